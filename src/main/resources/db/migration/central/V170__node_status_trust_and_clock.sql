-- What a node's latest heartbeat says about its lifetimes besides its certificate expiry: the directory serial
-- and CRL (number, next update) it has in force, and its clock's offset from central's at receipt (positive:
-- the node's clock is ahead). NULL until the node's first heartbeat that reports them (the heartbeat's Trust
-- element is optional in node-heartbeat.xsd). Central's alerts on them: monitoring.LifetimeAlerts.
ALTER TABLE node_status ADD COLUMN directory_serial bigint;
ALTER TABLE node_status ADD COLUMN crl_number bigint;
ALTER TABLE node_status ADD COLUMN crl_next_update timestamptz;
ALTER TABLE node_status ADD COLUMN clock_offset_ms bigint;

-- The lifetime alerts in the history (monitoring.LifetimeAlerts); CERTIFICATE_EXPIRING needs a wider column.
ALTER TABLE node_status_event DROP CONSTRAINT node_status_event_status_check;
ALTER TABLE node_status_event ALTER COLUMN status TYPE varchar(24);
ALTER TABLE node_status_event ADD CONSTRAINT node_status_event_status_check
    CHECK (status IN ('OK', 'SILENT', 'UNHEALTHY', 'RECOVERED', 'SECURITY_EVENTS',
                      'CRL_EXPIRING', 'CERTIFICATE_EXPIRING', 'TRUST_BEHIND', 'CLOCK_OFF'));
