-- Messages a node refused for security reasons (bad signature, replay, unknown sender, sender
-- mismatch, ...; 第4の9(3)) in its latest heartbeat, next to its refused logins and denied
-- permissions. NULL until the node's first heartbeat after this migration; 0 from a node that does
-- not report it yet (the element is optional in node-heartbeat.xsd).
ALTER TABLE node_status ADD COLUMN messages_refused bigint;
