-- Replay protection (issue 13): every envelope this node delivered, by its sender and message id,
-- kept for the whole outage window (jukibus.envelope.outage-window), so a message that waited for
-- this node for weeks is delivered once, and a replay of it is refused however late it comes.
-- Keyed by sender: a peer cannot make another peer's message a "replay" by sending first with the
-- same id. sender '' marks ids imported from the old state/seen-messages.log, which did not name
-- the sender; they match any sender and are purged with the rest after the window.
create table seen_message (
    sender            text        not null,
    message_id        text        not null,
    broker_message_id text        not null,
    created_at        timestamptz not null,
    primary key (sender, message_id)
);

create index seen_message_created on seen_message (created_at);
