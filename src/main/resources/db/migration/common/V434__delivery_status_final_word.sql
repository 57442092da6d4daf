-- The open rows of delivery_status by when they were queued: the hourly purge looks for those two outage windows old
-- (flow.nondelivery.UnansweredMessages: awaiting an answer, told UNANSWERED; nobody answers them, recorded and
-- forgotten) in a table of two months of sent messages; without it each of its two queries read the whole table.
CREATE INDEX delivery_status_open ON delivery_status (queued_at) WHERE state IN ('PENDING', 'OVERDUE');

-- The cutoff each purge wanted at its last round (the clock's), beside the one it used: after a restart a purge whose
-- act cannot be undone (flow.PurgeCutoff#neverEarly) catches up by the time the clock says passed since then, and
-- otherwise moves on no faster than monotonic time. Null in rows from before.
ALTER TABLE purge_cutoff ADD COLUMN wanted timestamptz;
