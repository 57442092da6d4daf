-- The security-event totals of each node's latest heartbeat that carried them (CountedSince in
-- node-heartbeat.xsd), the base from which the next one's difference is taken. NULL until then (and
-- for a node of an earlier version, which reports counts since its previous heartbeat instead).
-- logins_refused, permissions_denied and messages_refused (V100, V150) keep what the latest heartbeat added.
ALTER TABLE node_status ADD COLUMN security_counted_since timestamptz;
ALTER TABLE node_status ADD COLUMN logins_refused_total bigint;
ALTER TABLE node_status ADD COLUMN permissions_denied_total bigint;
ALTER TABLE node_status ADD COLUMN messages_refused_total bigint;
