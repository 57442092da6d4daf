-- 媒体による受け渡しの確認 (standard 第4の6(2)ア): every file the node takes from the legacy
-- system's drop folders or gives to it, with its digest and what became of it. Ids and digests
-- only: the files themselves are in the legacy folders.
create table transfer_ledger (
    id          bigserial   primary key,
    recorded_at timestamptz not null,
    flow        text        not null,
    file_name   text        not null,
    sha256      char(64)    not null,
    bytes       integer     not null,
    outcome     text        not null check (outcome in ('QUEUED', 'HANDLED', 'DUPLICATE', 'REJECTED', 'DELIVERED')),
    message_id  text,
    peer        text,
    detail      text
);

-- one queued pick-up per message: the same content dropped again is a DUPLICATE, not a second send
create unique index transfer_ledger_queued on transfer_ledger (message_id) where outcome = 'QUEUED';
create index transfer_ledger_flow_time on transfer_ledger (flow, recorded_at);
create index transfer_ledger_message on transfer_ledger (message_id);
