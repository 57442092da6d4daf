-- 転出確定通知 (transfer-out confirmation, 第6の3(2)): the prefecture notes against the person's identity
-- record that the old municipality confirmed the transfer-out. One row per confirmation message:
-- a redelivery adds nothing (confirmation_message_id is unique), a correction from the old
-- municipality's legacy system is one more row. The row keeps the identity record that was current
-- when it was noted; erasing identity records (第6の7) must erase their notes first.
create table transfer_out_annotation (
    id                      bigint generated always as identity primary key,
    identity_record_id      bigint       not null references identity_record (id),
    resident_code           varchar(11)  not null,
    old_municipality        varchar(6)   not null,
    new_municipality        varchar(6)   not null,
    transfer_in_date        date         not null,
    new_address             varchar(200) not null,
    -- the transfer-in notice (転入通知) it confirms; null for a confirmation made by hand
    transfer_in_message_id  varchar(36),
    confirmation_message_id varchar(36)  not null unique,
    confirmed_at            timestamptz  not null,
    recorded_at             timestamptz  not null
);

create index transfer_out_annotation_by_resident on transfer_out_annotation (resident_code);
create index transfer_out_annotation_by_record on transfer_out_annotation (identity_record_id);
