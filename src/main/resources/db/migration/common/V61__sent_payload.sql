-- What this node sealed from its legacy inputs, by message id, kept for the outage window only
-- (jukibus.envelope.outage-window): the envelope is encrypted to its recipient, so a message that
-- expired at the sender (dead letter EXPIRED) can be sealed again (`jukibus dlq resend`) only from
-- this copy. Holds personal data: purged once older than the window.
create table sent_payload (
    message_id     text        primary key,
    recipient      text        not null,
    correlation_id text,
    payload        bytea       not null,
    created_at     timestamptz not null
);

create index sent_payload_created on sent_payload (created_at);
