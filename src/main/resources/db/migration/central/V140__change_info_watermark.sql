-- 異動等情報 (change info, 第6の8(6)): how far central has read its identity records for the
-- certification authority. One row: last_id is the highest identity_record.id already sent (or
-- skipped: a birth, a registration, a correction) to the liaison nodes; pending_to the end of the
-- batch being sent, fixed before its messages are queued. The message ids are derived from the
-- range (last_id, pending_to], so a batch made again after a crash before last_id advanced is the
-- same batch with the same ids, and the brokers drop the copies (duplicate detection).
create table change_info_watermark (
    single      boolean     primary key default true check (single),
    last_id     bigint      not null,
    pending_to  bigint,
    advanced_at timestamptz not null,
    check (pending_to is null or pending_to > last_id)
);

insert into change_info_watermark (single, last_id, advanced_at) values (true, 0, now());
