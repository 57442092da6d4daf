-- The digest of every envelope this node sealed from a legacy input, recorded before it is sent: a node killed after
-- the send and before it recorded the delivery status seals the picked-up file again under the same message id (a
-- new ephemeral key, so a new digest), and its recipient keeps the first copy. A receipt naming either digest, signed
-- by that recipient, closes the message (nondelivery.SentMessages#sealedAs). Kept as long as sent_payload.
create table sealed_envelope (
    message_id      text        not null,
    recipient       text        not null,
    envelope_sha256 text        not null,
    sealed_at       timestamptz not null,
    primary key (message_id, recipient, envelope_sha256)
);

create index sealed_envelope_sealed on sealed_envelope (sealed_at);
