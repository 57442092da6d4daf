-- 異動等情報 (change info, 第6の8(6)) in commit order, not id order: an identity record's id is handed out at insert,
-- so a slow transaction could commit a lower id after a higher one had been sent, and the watermark (by id, once
-- records were older than a settle time) skipped it for good; a forward clock drill made recorded_at lie as well.
-- Each record now carries the id of the transaction that inserted it (the top-level one, also from a savepoint).
-- Central takes only records whose transaction is below the xmin of its snapshot (every transaction below it has
-- ended: no record can still appear there), in (recorded_xact, id) order, and keeps the last pair taken.
-- xid8 and pg_current_xact_id(): PostgreSQL 13 or later (the embedded one is 14; an external one must be 14+ anyway).
alter table identity_record add column recorded_xact xid8 not null default pg_current_xact_id();
create index identity_record_by_commit_order on identity_record (recorded_xact, id);

-- Every record so far got this migration's transaction id: (that id, last_id) is where the last sent batch ended, and
-- a batch pending at the upgrade ends at (that id, pending_to), the same records as before.
alter table change_info_watermark add column last_xact xid8, add column pending_xact xid8;
update change_info_watermark set last_xact = pg_current_xact_id(),
                                 pending_xact = case when pending_to is null then null else pg_current_xact_id() end;
alter table change_info_watermark alter column last_xact set not null;
-- in commit order a batch may end at a lower id than it starts after
alter table change_info_watermark drop constraint change_info_watermark_check;
alter table change_info_watermark add check ((pending_to is null) = (pending_xact is null));
