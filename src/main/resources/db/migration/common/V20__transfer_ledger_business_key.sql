-- Duplicates by business key (issue 14): the SHA-256 of a queued input's flow and business key
-- (e.g. the sender's NoticeId; see flow.BusinessKey and docs/legacy-files.md), so that the same
-- notice dropped again with other bytes (a newline, a comment) is refused like the same bytes.
-- A digest, not the key: some keys hold a resident code. Rows from before have none.
alter table transfer_ledger add column business_key char(64);
create index transfer_ledger_business_key on transfer_ledger (flow, business_key) where outcome = 'QUEUED';
