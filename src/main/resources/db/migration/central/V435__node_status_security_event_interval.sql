-- At most one security event (a node_status_event line and its SECURITY_EVENTS alerts) per node and heartbeat
-- interval (monitoring.NodeStatusStore#recordHeartbeat): when the node's last one was recorded, and what its heartbeats
-- added since then that waits for the next. A hostile node changing its CountedSince at every heartbeat made each
-- count in full: a line (kept for the erasure retention) and two alerts per heartbeat.
ALTER TABLE node_status ADD COLUMN security_event_at timestamptz;
ALTER TABLE node_status ADD COLUMN logins_refused_held bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN permissions_denied_held bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN messages_refused_held bigint NOT NULL DEFAULT 0;
