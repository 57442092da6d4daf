-- The highest security-event totals central recorded of each node's store (counting since
-- CountedSince in node-heartbeat.xsd), past which a heartbeat's totals count. NULL until a heartbeat
-- carried them (and for a node of an earlier version, which reports counts since its previous heartbeat instead).
-- logins_refused, permissions_denied and messages_refused (V100, V150) keep what the latest heartbeat added.
ALTER TABLE node_status ADD COLUMN security_counted_since timestamptz;
ALTER TABLE node_status ADD COLUMN logins_refused_total bigint;
ALTER TABLE node_status ADD COLUMN permissions_denied_total bigint;
ALTER TABLE node_status ADD COLUMN messages_refused_total bigint;
