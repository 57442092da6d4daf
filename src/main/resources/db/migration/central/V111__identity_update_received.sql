-- 更新件数リスト (update-count lists, 第6の6(4)) central made for the identity updates delegating
-- prefectures sent it: one row per update message, written in the same transaction as its records,
-- so a redelivered update records nothing again and is answered with the very same list.
-- forward_message_id stays null at central (nothing is sent on); the column keeps the shape of the
-- prefecture's table (prefecture/V111), which the same code writes.
create table identity_update_received (
    message_id         varchar(36)  primary key,
    sender             varchar(16)  not null,
    received_at        timestamptz  not null,
    record_count       integer      not null,
    recorded           integer      not null,
    refused            integer      not null,
    count_list         bytea        not null,
    forward_message_id varchar(36)
);
