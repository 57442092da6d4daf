-- 本人確認情報 (identity information) as the municipality's CS (municipal node) records it before it sends
-- it to the prefecture (第6の6(1)): the same items and history rule as the prefecture's table
-- (prefecture/V100, V110). A new record for a person supersedes the current one (superseded_at,
-- superseded_by), never overwrites it; a record whose change reason deletes the resident record
-- (TRANSFER_OUT, DEATH, DELETION) is the person's deleted marker. Erasure (第6の7(1)): 5 years after a
-- record was superseded, or after the deleted marker was recorded.
create table identity_record (
    id                bigint generated always as identity primary key,
    resident_code     varchar(11)  not null check (resident_code ~ '^[0-9]{11}$'),
    name              varchar(100) not null,
    name_kana         varchar(100),
    birth_date        date         not null,
    sex               char(1)      not null check (sex in ('1', '2', '9')),
    address           varchar(200) not null,
    change_reason     varchar(32)  not null,
    change_date       date         not null,
    municipality_code varchar(6)   not null check (municipality_code ~ '^[0-9]{6}$'),
    -- the identity update that carried this record to the prefecture, and its position in it (from 1)
    message_id        varchar(36),
    item_number       integer      check (item_number > 0),
    recorded_at       timestamptz  not null,
    superseded_at     timestamptz,
    superseded_by     bigint references identity_record (id),
    constraint identity_record_message_item unique (message_id, item_number)
);

create unique index identity_record_current on identity_record (resident_code) where superseded_at is null;
create index identity_record_by_resident on identity_record (resident_code, recorded_at);
create index identity_record_superseded on identity_record (superseded_at) where superseded_at is not null;
