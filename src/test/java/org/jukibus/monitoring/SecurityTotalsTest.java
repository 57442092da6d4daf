package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.jukibus.broker.SecurityEvents;
import org.jukibus.clock.MovableClock;
import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A node's security-event totals in its store (common V96): what every heartbeat carries to central. */
class SecurityTotalsTest {

    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    final MovableClock clock = new MovableClock(T0);
    final SecurityEvents events = new SecurityEvents(clock);

    @Test
    void totals_grow_with_every_heartbeat_survive_a_restart_and_keep_the_time_the_store_began_counting() {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        SecurityTotals totals = new SecurityTotals(new JdbcTemplate(store), clock, events);

        assertThat(totals.take()).isEqualTo(new NodeHeartbeat.SecurityCounts(0, 0, 0, T0.toString()));
        clock.now = T0.plusSeconds(60);
        events.loginRefused("127.0.0.9", "unknown certificate");
        events.loginRefused("127.0.0.9", "unknown certificate");
        events.permissionDenied("131059", "send", "jukibus.inbound.transfer-in");
        assertThat(totals.take()).isEqualTo(new NodeHeartbeat.SecurityCounts(2, 1, 0, T0.toString()));

        // the node restarts, and its clock is moved back (the end of a drill)
        clock.now = T0.minus(Duration.ofDays(40));
        SecurityEvents afterRestart = new SecurityEvents(clock);
        afterRestart.messageRefused("131059", "REPLAY");
        assertThat(new SecurityTotals(new JdbcTemplate(store), clock, afterRestart).take())
                .as("nothing counted before the restart is forgotten; the store still counts from its first time")
                .isEqualTo(new NodeHeartbeat.SecurityCounts(2, 1, 1, T0.toString()));
    }

    @Test
    void a_store_that_cannot_take_them_keeps_the_heartbeat_going_and_the_events_wait_for_the_next_one() {
        JdbcTemplate store = new JdbcTemplate(TestStores.fresh(NodeRole.MUNICIPAL));
        SecurityTotals totals = new SecurityTotals(store, clock, events);
        events.loginRefused("127.0.0.9", "unknown certificate");
        assertThat(totals.take()).isEqualTo(new NodeHeartbeat.SecurityCounts(1, 0, 0, T0.toString()));

        store.execute("ALTER TABLE security_event_total RENAME TO security_event_total_away"); // the store fails
        events.messageRefused("131059", "BAD_SIGNATURE");
        NodeHeartbeat.SecurityCounts meanwhile = totals.take();
        assertThat(meanwhile).as("no totals: nothing added at central").isEqualTo(new NodeHeartbeat.SecurityCounts(0, 0, 0));
        assertThat(meanwhile.totals()).isFalse();

        store.execute("ALTER TABLE security_event_total_away RENAME TO security_event_total");
        assertThat(totals.take()).as("the refused message waited, it is not lost")
                .isEqualTo(new NodeHeartbeat.SecurityCounts(1, 0, 1, T0.toString()));
    }

    @Test
    void an_error_thrown_on_the_way_to_the_store_loses_no_count() {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        AtomicBoolean broken = new AtomicBoolean();
        DataSource failing = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (broken.get() && method.getName().equals("getConnection")) {
                        throw new NoClassDefFoundError("org/postgresql/test/Missing"); // an Error, not an Exception
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SecurityTotals totals = new SecurityTotals(new JdbcTemplate(failing), clock, events);
        events.loginRefused("127.0.0.9", "unknown certificate");
        broken.set(true);
        assertThatThrownBy(totals::take).isInstanceOf(NoClassDefFoundError.class);

        broken.set(false);
        assertThat(totals.take()).as("the refused login waited").isEqualTo(new NodeHeartbeat.SecurityCounts(1, 0, 0, T0.toString()));
    }
}
