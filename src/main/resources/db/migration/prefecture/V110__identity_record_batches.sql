-- 本人確認情報の通知 (identity updates, 第6の6) come in batches: one message carries many records, so the
-- message id alone no longer names a record. item_number is the record's position in its message
-- (from 1); a message's records are unique by (message_id, item_number), so a redelivered batch adds
-- nothing. Records that came otherwise (an initial load) keep message_id and item_number null.
alter table identity_record drop constraint identity_record_message_id_key;
alter table identity_record add column item_number integer check (item_number > 0);
alter table identity_record add constraint identity_record_message_item unique (message_id, item_number);
-- erasure (第6の7) looks for superseded records by age
create index identity_record_superseded on identity_record (superseded_at) where superseded_at is not null;
