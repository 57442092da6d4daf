-- Delivery status back to the sender (org.jukibus.flow.nondelivery.SentMessages): one row per message
-- this node sent on a tracked flow, from the moment it was queued until a receipt, an answer or a
-- non-delivery notice from its recipient closes it. An OVERDUE row is still open: a late receipt closes it.
CREATE TABLE delivery_status (
    message_id          VARCHAR(36) PRIMARY KEY,
    flow                VARCHAR(64) NOT NULL,
    recipient           VARCHAR(16) NOT NULL,
    queued_at           TIMESTAMPTZ NOT NULL,
    awaits_answer       BOOLEAN     NOT NULL,
    state               VARCHAR(16) NOT NULL CHECK (state IN ('PENDING', 'OVERDUE', 'DELIVERED', 'NOT_DELIVERED')),
    overdue_at          TIMESTAMPTZ,
    closed_at           TIMESTAMPTZ,
    closed_by           VARCHAR(36),
    reason              VARCHAR(64)
);

-- the overdue check reads the open rows that await an answer, oldest first
CREATE INDEX delivery_status_pending ON delivery_status (queued_at) WHERE state = 'PENDING' AND awaits_answer;
