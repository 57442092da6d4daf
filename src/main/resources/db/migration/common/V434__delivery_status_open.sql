-- The open rows of delivery_status by when they were queued: the hourly purge looks for those two outage windows old
-- (flow.nondelivery.UnansweredMessages: awaiting an answer, told UNANSWERED; nobody answers them, recorded and
-- forgotten) in a table of two months of sent messages; without it each of its two queries read the whole table.
CREATE INDEX delivery_status_open ON delivery_status (queued_at) WHERE state IN ('PENDING', 'OVERDUE');
