package org.jukibus.monitoring;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jukibus.broker.SecurityEvents;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This node's security events (不正アクセスの兆候, 第4の9(3)) counted since its store began counting, kept in the store
 * ({@code security_event_total}, common V395) so that they survive restarts. Each heartbeat adds the counts
 * {@link SecurityEvents} gathered in memory since the previous one and carries the totals: a heartbeat dropped after
 * its time to live while central is unreachable loses no count, central takes the difference from the next one it
 * gets ({@link NodeStatusStore#recordHeartbeat}).
 */
public final class SecurityTotals {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SecurityTotals(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Adds these counts to the totals and returns the new totals. The first call on a store starts counting at the
     * node's clock: that time names the store, so central tells a store that was replaced from a counter that grew.
     */
    public NodeHeartbeat.SecurityCounts add(SecurityEvents.Counts counts) {
        jdbc.update("INSERT INTO security_event_total (id, counted_since, logins_refused, permissions_denied, messages_refused) "
                + "VALUES (true, ?, 0, 0, 0) ON CONFLICT (id) DO NOTHING", clock.instant().atOffset(ZoneOffset.UTC));
        return jdbc.queryForObject("""
                UPDATE security_event_total SET logins_refused = logins_refused + ?,
                    permissions_denied = permissions_denied + ?, messages_refused = messages_refused + ?
                RETURNING counted_since, logins_refused, permissions_denied, messages_refused
                """, (rs, i) -> new NodeHeartbeat.SecurityCounts(rs.getLong("logins_refused"), rs.getLong("permissions_denied"),
                        rs.getLong("messages_refused"), rs.getObject("counted_since", OffsetDateTime.class).toInstant().toString()),
                counts.loginsRefused(), counts.permissionsDenied(), counts.messagesRefused());
    }
}
