-- Security events per episode, not per heartbeat (monitoring.NodeStatusStore#recordHeartbeat, StatusBoard#check): a node's
-- open episode (when central received the heartbeat that began it; NULL: none open, or its quiet end announced) and
-- when a heartbeat last added events to it; its running totals, its lines (heartbeat intervals with events), its largest line and its last alert.
-- The episode's first event has alerts (SECURITY_EVENTS), and later ones only for a new kind, a sharp rise or a day
-- since the last (monitoring.EpisodeAlert); the status check announces its end once it has been quiet for StatusBoard's
-- quiet time (SECURITY_QUIET in the history). Day 366, when the scraping certificate lapsed, every node's refused
-- logins raised two alerts a minute per node: real alerts drowned.
ALTER TABLE node_status ADD COLUMN security_episode_since timestamptz;
ALTER TABLE node_status ADD COLUMN security_episode_last_at timestamptz;
ALTER TABLE node_status ADD COLUMN security_episode_logins_refused bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN security_episode_permissions_denied bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN security_episode_messages_refused bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN security_episode_lines bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN security_episode_peak bigint NOT NULL DEFAULT 0;
ALTER TABLE node_status ADD COLUMN security_episode_alerted_at timestamptz;

-- SECURITY_QUIET, and DISK_LOW, which LifetimeAlerts records since the disk bound but V170's list never had: its insert
-- failed the heartbeat's answers.
ALTER TABLE node_status_event DROP CONSTRAINT node_status_event_status_check;
ALTER TABLE node_status_event ADD CONSTRAINT node_status_event_status_check
    CHECK (status IN ('OK', 'SILENT', 'UNHEALTHY', 'RECOVERED', 'SECURITY_EVENTS', 'SECURITY_QUIET',
                      'CRL_EXPIRING', 'CERTIFICATE_EXPIRING', 'TRUST_BEHIND', 'CLOCK_OFF', 'DISK_LOW'));
