-- The node's security events (refused logins, denied permissions, messages refused for security
-- reasons; 第4の9(3)) counted since counted_since, when this store began counting. Each heartbeat adds
-- the events counted in memory since the previous one and carries the totals to central, which takes
-- the difference from the totals it recorded last: a heartbeat dropped on the way (heartbeat-ttl)
-- loses no count, the next one carries it. One row (monitoring.SecurityTotals).
create table security_event_total (
    id                 boolean primary key default true check (id),
    counted_since      timestamptz not null,
    logins_refused     bigint not null,
    permissions_denied bigint not null,
    messages_refused   bigint not null
);
