-- 異動等情報 (change info, 第6の8(6)) in commit order, not by id and time: an identity record's id is handed out at
-- insert, so a slow transaction could commit a lower id after a higher one had been sent, and the watermark (by id,
-- once records were older than a settle time) skipped it for good; a forward clock drill made recorded_at lie too.
--
-- Each record now carries the id of the transaction that inserted it (the top-level one, also from a savepoint;
-- xid8 and pg_current_xact_id() need PostgreSQL 13 or later, the embedded one is 14) and whether it still waits to
-- be handed on. Central takes waiting records whose transaction is below the xmin of its snapshot (every transaction
-- below it has ended), and marks each record it puts in a batch with the batch's end (the id of its last record),
-- so a record is handed on once whatever the order its transaction committed in. Both columns are added without
-- rewriting the table (the nation's records): every record so far counts as handed on, except those after the old
-- watermark, set below.
alter table identity_record add column recorded_xact xid8,
                            add column waits_for_change_info boolean not null default false,
                            add column change_info_batch bigint;
alter table identity_record alter column recorded_xact set default pg_current_xact_id(),
                            alter column waits_for_change_info set default true;
create index identity_record_waiting_for_change_info on identity_record (recorded_xact, id) where waits_for_change_info;

update identity_record r set waits_for_change_info = true, recorded_xact = pg_current_xact_id(),
                             change_info_batch = case when r.id <= w.pending_to then w.pending_to end
  from change_info_watermark w where r.id > w.last_id;

-- last_id: the end of the last batch handed on; pending_to: the end of the batch being sent. In commit order a batch
-- may end at a lower id than the one before.
alter table change_info_watermark drop constraint change_info_watermark_check;
