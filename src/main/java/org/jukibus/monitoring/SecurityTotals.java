package org.jukibus.monitoring;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jukibus.broker.SecurityEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This node's security events (不正アクセスの兆候, 第4の9(3)) counted since its store began counting, kept in the store
 * ({@code security_event_total}, common V96) so that they survive restarts. Each heartbeat adds the counts
 * {@link SecurityEvents} gathered in memory since the previous one and carries the totals: a heartbeat dropped after
 * its time to live while central is unreachable loses no count, central takes the difference from the next one it
 * gets ({@link NodeStatusStore#recordHeartbeat}).
 */
public final class SecurityTotals {

    private static final Logger log = LoggerFactory.getLogger(SecurityTotals.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SecurityEvents events;
    private volatile boolean failing;

    public SecurityTotals(JdbcTemplate jdbc, Clock clock, SecurityEvents events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
    }

    /**
     * For a heartbeat: the events counted since the previous call added to the totals, and the totals. A store that
     * cannot take them (down: the heartbeat's health says so) must not stop the heartbeat: it then carries no totals,
     * which adds nothing at central, and the events wait in memory for a heartbeat whose store takes them.
     */
    public NodeHeartbeat.SecurityCounts take() {
        SecurityEvents.Counts counted = events.drain();
        try {
            NodeHeartbeat.SecurityCounts totals = add(counted);
            failing = false;
            return totals;
        } catch (RuntimeException | Error e) {
            events.restore(counted); // whatever failed, the drained counts wait for a later heartbeat
            if (e instanceof Error error) {
                throw error; // not a store that is down: this heartbeat fails, loudly
            }
            if (!failing) {
                log.warn("security events cannot be added to the store's totals ({}): they wait for a later heartbeat",
                        e.getMessage());
                failing = true;
            }
            return new NodeHeartbeat.SecurityCounts(0, 0, 0);
        }
    }

    /**
     * Adds these counts to the totals and returns the new totals. The first call on a store starts counting at the
     * node's clock: that time names the store, so central tells a store that was replaced from a counter that grew.
     */
    private NodeHeartbeat.SecurityCounts add(SecurityEvents.Counts counts) {
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
