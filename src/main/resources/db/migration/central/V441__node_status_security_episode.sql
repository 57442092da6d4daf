-- Security events per episode, not per heartbeat (monitoring.NodeStatusStore#recordHeartbeat, StatusBoard#check): a node's
-- open episode (when central received the heartbeat that began it; NULL: none open, or its quiet end announced) and
-- when a heartbeat last added events to it. Only the episode's first event has alerts (SECURITY_EVENTS); the status check
-- announces its end once it has been quiet for StatusBoard's quiet time (SECURITY_QUIET in the history). Day 366, when
-- the scraping certificate lapsed, every node's refused logins raised two alerts a minute per node: real alerts drowned.
ALTER TABLE node_status ADD COLUMN security_episode_since timestamptz;
ALTER TABLE node_status ADD COLUMN security_episode_last_at timestamptz;

-- SECURITY_QUIET, and DISK_LOW, which LifetimeAlerts records since the disk bound but V170's list never had: its insert
-- failed the heartbeat's answers.
ALTER TABLE node_status_event DROP CONSTRAINT node_status_event_status_check;
ALTER TABLE node_status_event ADD CONSTRAINT node_status_event_status_check
    CHECK (status IN ('OK', 'SILENT', 'UNHEALTHY', 'RECOVERED', 'SECURITY_EVENTS', 'SECURITY_QUIET',
                      'CRL_EXPIRING', 'CERTIFICATE_EXPIRING', 'TRUST_BEHIND', 'CLOCK_OFF', 'DISK_LOW'));
