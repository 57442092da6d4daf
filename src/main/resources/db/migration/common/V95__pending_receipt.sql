-- Receipts this node owes, sent in batches per sender (flow.nondelivery.PendingReceipts): written before a
-- delivery's broker transaction commits, deleted once the batch naming them is in the outbound queue.
CREATE TABLE pending_receipt (
    sender          VARCHAR(16)  NOT NULL,
    message_id      VARCHAR(36)  NOT NULL,
    envelope_sha256 CHAR(64)     NOT NULL,
    received_at     TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (sender, message_id)
);
CREATE INDEX pending_receipt_oldest ON pending_receipt (received_at);
