-- Envelopes refused CLOCK_AHEAD that this node holds instead of telling their sender NOT_DELIVERED at once
-- (flow.ClockAheadHold): its own clock may be the one behind (a host back from an outage before NTP answered).
-- Written before the refusing delivery's broker transaction commits; the envelope is put back on its inbound
-- queue once the node's clock reaches it (or the hold is over: then refused and told as before). Bounded per
-- sender (count and bytes), so a peer fills only its own share. released_at: when it was put back; the row stays
-- until that copy is delivered or finally refused, so the put-back copy is known to be the sender's own.
CREATE TABLE clock_ahead_hold (
    sender          TEXT        NOT NULL,
    message_id      TEXT        NOT NULL,
    envelope_sha256 CHAR(64)    NOT NULL,
    flow            TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    held_since      TIMESTAMPTZ NOT NULL,
    released_at     TIMESTAMPTZ,
    bytes           INTEGER     NOT NULL,
    envelope        BYTEA       NOT NULL,
    PRIMARY KEY (sender, message_id)
);
CREATE INDEX clock_ahead_hold_waiting ON clock_ahead_hold (created_at) WHERE released_at IS NULL;
