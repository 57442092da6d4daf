package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.jukibus.broker.SecurityEvents;
import org.jukibus.clock.MovableClock;
import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A node's security-event totals in its store (common V395): what every heartbeat carries to central. */
class SecurityTotalsTest {

    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    @Test
    void totals_grow_with_every_heartbeat_survive_a_restart_and_keep_the_time_the_store_began_counting() {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        MovableClock clock = new MovableClock(T0);
        SecurityTotals totals = new SecurityTotals(new JdbcTemplate(store), clock);

        assertThat(totals.add(new SecurityEvents.Counts(0, 0, 0)))
                .isEqualTo(new NodeHeartbeat.SecurityCounts(0, 0, 0, T0.toString()));
        clock.now = T0.plusSeconds(60);
        assertThat(totals.add(new SecurityEvents.Counts(2, 1, 0)))
                .isEqualTo(new NodeHeartbeat.SecurityCounts(2, 1, 0, T0.toString()));

        // the node restarts, and its clock is moved back (the end of a drill)
        clock.now = T0.minus(Duration.ofDays(40));
        SecurityTotals afterRestart = new SecurityTotals(new JdbcTemplate(store), clock);
        assertThat(afterRestart.add(new SecurityEvents.Counts(1, 0, 3)))
                .as("nothing counted before the restart is forgotten; the store still counts from its first time")
                .isEqualTo(new NodeHeartbeat.SecurityCounts(3, 1, 3, T0.toString()));
    }
}
