-- Reconciliation of the identity updates this node sent (第6の6: the sender checks the receiver's
-- 更新件数リスト): a municipality for its batches to the prefecture, a delegating prefecture for what it
-- forwarded to central. One row per update sent, its counts per change reason, and every outcome:
-- OK / MISMATCH when the update-count list came back, MISSING when it had not by the cut-off.
create table identity_update_sent (
    message_id    varchar(36)  primary key,
    recipient     varchar(16)  not null,
    record_count  integer      not null,
    sent_at       timestamptz  not null,
    -- when its update-count list arrived (null: still waiting)
    reconciled_at timestamptz
);

create table identity_update_sent_count (
    message_id    varchar(36)  not null references identity_update_sent (message_id),
    change_reason varchar(32)  not null,
    records       integer      not null,
    primary key (message_id, change_reason)
);

create table identity_reconciliation (
    id          bigint generated always as identity primary key,
    message_id  varchar(36)   not null references identity_update_sent (message_id),
    outcome     varchar(16)   not null check (outcome in ('OK', 'MISMATCH', 'MISSING')),
    detail      varchar(2000) not null,
    checked_at  timestamptz   not null,
    -- one outcome of each kind per update: a list that comes late after MISSING adds its OK or MISMATCH
    unique (message_id, outcome)
);

create index identity_update_sent_waiting on identity_update_sent (sent_at) where reconciled_at is null;
