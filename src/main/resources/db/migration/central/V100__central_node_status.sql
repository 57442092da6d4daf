-- 稼働状況の監視 (node status monitoring, standard 第4の7(3)): central's view of every node.
-- One row per node: what its last heartbeat said, and the state central derived from it.
-- Times: *_at / *_since of central's clock except last_sent_at (the node's own clock).
CREATE TABLE node_status (
    node                  varchar(16)  PRIMARY KEY,
    role                  varchar(16)  NOT NULL,
    -- UNKNOWN: no heartbeat since central first listed the node; OK; SILENT; UNHEALTHY
    state                 varchar(16)  NOT NULL CHECK (state IN ('UNKNOWN', 'OK', 'SILENT', 'UNHEALTHY')),
    state_since           timestamptz  NOT NULL,
    last_heartbeat_at     timestamptz,
    last_heartbeat_id     varchar(36),
    last_sent_at          timestamptz,
    -- first heartbeat received after none for longer than silence-after (when the node came back)
    resumed_at            timestamptz,
    health                varchar(8)   CHECK (health IN ('UP', 'DOWN')),
    -- when health last changed to its current value
    health_since          timestamptz,
    components            varchar(1000),
    outbound_depth        bigint,
    inbound_depth         bigint,
    dead_letters          bigint,
    disk_free_bytes       bigint,
    certificate_not_after timestamptz,
    logins_refused        bigint,
    permissions_denied    bigint
);

-- History: every state change and every heartbeat that reported security events, with the ids of
-- the alerts central sent for it. Rows are only ever inserted; event_key makes a repeat (a check or
-- delivery run again after a crash) a no-op.
CREATE TABLE node_status_event (
    id          bigserial     PRIMARY KEY,
    event_key   varchar(200)  NOT NULL UNIQUE,
    node        varchar(16)   NOT NULL,
    status      varchar(16)   NOT NULL CHECK (status IN ('OK', 'SILENT', 'UNHEALTHY', 'RECOVERED', 'SECURITY_EVENTS')),
    at          timestamptz   NOT NULL,
    recorded_at timestamptz   NOT NULL,
    detail      varchar(1000) NOT NULL,
    alert_ids   varchar(400)  NOT NULL DEFAULT ''
);

CREATE INDEX node_status_event_by_node ON node_status_event (node, id);
