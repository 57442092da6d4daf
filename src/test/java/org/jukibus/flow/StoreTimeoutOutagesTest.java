package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.adapter.file.WaitingFiles;
import org.jukibus.core.NodeProperties;
import org.jukibus.store.NodeStore;
import org.jukibus.store.SharedPostgres;
import org.jukibus.store.StoreAccess;
import org.jukibus.store.StoreProbe;
import org.jukibus.store.StoreSettings;
import org.jukibus.testing.Closing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A store that is slow (a statement cancelled on its statement timeout, 57014) or a lock held by another connection
 * past the lock timeout (55P03) is an outage, with real PostgreSQL and the node's own JdbcTemplate translation: a
 * delivery waits on the broker and suspends its queue, a legacy file waits in its drop folder, a timer route's run is an
 * outage run. Before, a store slow for an hour dead-lettered its messages RETRIES_EXHAUSTED after eight attempts and
 * sent legacy files to error/. A message that fails for its own reason (a duplicate key) is still dead-lettered. A
 * timeout while the store answers a trivial query promptly is the message's own (flow.SlowStatements): counted against
 * it and dead-lettered after a few, so that its queue moves on; the first tests' store answers no probe.
 */
class StoreTimeoutOutagesTest {

    @TempDir
    static Path dir;
    private static SharedPostgres server;
    private static NodeStore store;
    private static JdbcTemplate jdbc;
    private static StoreAccess access;

    @BeforeAll
    static void start() throws Exception {
        server = SharedPostgres.start(dir.resolve("server"));
        access = server.createDatabase("131041", dir.resolve("131041.pass"));
        NodeProperties.Store p = new NodeProperties.Store();
        // short timeouts for the test; the node's are 50 min and 10 min
        p.setUrl(access.url() + "?options=-c%20lock_timeout%3D300%20-c%20statement_timeout%3D1000");
        p.setUsername(access.username());
        p.setPasswordFile(access.passwordFile());
        store = NodeStore.open(StoreSettings.from(p, dir.resolve("home"), "131041"));
        jdbc = new JdbcTemplate(store.dataSource());
        jdbc.execute("create table held (id int primary key)");
        jdbc.execute("insert into held values (1)");
        jdbc.execute("create table keyed (id text primary key, n int)");
        jdbc.execute("insert into keyed values ('A', 0), ('B', 0), ('C', 0)");
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.inOrder(store, server);
    }

    @Test
    void a_lock_held_past_the_lock_timeout_is_an_outage_that_waits_never_a_dead_letter() throws Exception {
        Throwable failure;
        try (Connection holder = store.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("select * from held where id = 1 for update"); // held by another connection
            }
            failure = catchThrowable(() -> jdbc.update("update held set id = 2 where id = 1"));
            holder.rollback();
        }
        assertThat(failure).as("the lock timeout fired").isNotNull();
        assertWaitsAsAnOutage(failure, DeliveryFailures.STORE_LOCK_TIMEOUT);
    }

    @Test
    void a_statement_cancelled_on_the_statement_timeout_is_an_outage_that_waits_never_a_dead_letter() {
        Throwable failure = catchThrowable(() -> jdbc.queryForObject("select pg_sleep(5)::text", String.class));
        assertThat(failure).as("the statement timeout fired").isNotNull();
        assertWaitsAsAnOutage(failure, DeliveryFailures.STORE_STATEMENT_TIMEOUT);

        // the stores that use the connection itself get the driver's exception (Spring's translation made it a
        // QueryTimeoutException above): before, nothing named it, and it was dead-lettered RETRIES_EXHAUSTED
        Throwable raw;
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            raw = catchThrowable(() -> s.execute("select pg_sleep(5)"));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(raw).isInstanceOf(java.sql.SQLException.class);
        assertWaitsAsAnOutage(raw, DeliveryFailures.STORE_STATEMENT_TIMEOUT);
    }

    @Test
    void a_message_that_fails_for_its_own_reason_is_still_dead_lettered() {
        Throwable failure = catchThrowable(() -> jdbc.update("insert into held values (1)"));
        assertThat(failure).isNotNull();
        assertThat(DeliveryFailures.classify(failure)).isEqualTo(DeliveryFailures.Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.outage(failure)).isFalse();
        DeliveryFailures failures = DeliveryFailuresTest.failures(8, -1);
        for (int n = 1; n < 8; n++) {
            assertThat(failures.exhausted(attempt(n, "ID:dup", failure))).isFalse();
        }
        assertThat(failures.exhausted(attempt(8, "ID:dup", failure))).as("dead-lettered at max-attempts").isTrue();
        assertThat(DeliveryFailures.reason(failure)).isEqualTo(DeliveryFailures.RETRIES_EXHAUSTED);
        assertThat(new LegacyInputOutages().waits(failed(failure))).as("a legacy file: refused into error/").isFalse();
    }

    /**
     * review-outage3 M3: one message's statement slow (another session holds a lock on exactly its row) while the store
     * serves everything else. Its queue is tried as a suspended queue tries it, one message at a time, the head first:
     * the head times out three times (jukibus.delivery.statement-timeout-attempts), each time the store answers the
     * probe, and is then dead-lettered with its reason, naming the statement and the timeout; the message behind it is
     * delivered. Before, the head waited as an outage for up to 30 days and the message behind it with it.
     */
    @Test
    void a_statement_slow_for_its_own_message_is_dead_lettered_after_the_bound_and_the_message_behind_it_is_delivered()
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeliveryFailures failures = probing(Duration.ofSeconds(5), registry);
        Deque<String> queue = new ArrayDeque<>(List.of("A", "B"));
        Map<String, Integer> tries = new HashMap<>();
        List<String> delivered = new ArrayList<>();
        Map<String, Throwable> deadLetters = new HashMap<>();
        try (Connection holder = store.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("select * from keyed where id = 'A' for update"); // a stuck session, on A's row only
            }
            for (int turn = 0; turn < 10 && !queue.isEmpty(); turn++) {
                String message = queue.peek();
                int attempt = tries.merge(message, 1, Integer::sum);
                Throwable failure = catchThrowable(() -> jdbc.update("update keyed set n = n + 1 where id = ?", message));
                if (failure == null) {
                    delivered.add(message);
                    queue.remove();
                    continue;
                }
                assertThat(DeliveryFailures.cause(failure)).isEqualTo(DeliveryFailures.STORE_LOCK_TIMEOUT);
                Exchange exchange = attempt(attempt, "ID:" + message, failure);
                if (failures.exhausted(exchange)) {
                    failures.deadLetterCause(exchange); // the dead-letter path's first step
                    deadLetters.put(message, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
                    queue.remove();
                } else {
                    assertThat(DeliveryFailures.outage(failure)).as("before its bound it waits as before").isTrue();
                }
            }
            holder.rollback();
        }
        assertThat(delivered).as("the message behind it").containsExactly("B");
        assertThat(deadLetters).containsOnlyKeys("A");
        assertThat(tries).as("dead-lettered at its third timeout").containsEntry("A", 3);
        Throwable dead = deadLetters.get("A");
        assertThat(DeliveryFailures.reason(dead)).isEqualTo(DeliveryFailures.STORE_LOCK_TIMEOUT);
        assertThat(dead.getMessage()).contains("a statement UPDATE on keyed").contains("lock_timeout 300ms");
        assertThat(dead.getMessage()).as("never the statement's values").doesNotContain("'A'");
        assertThat(DeliveryFailures.outage(dead)).as("its queue moves on (DeliverySuspension tries the next at once)").isFalse();
        assertThat(DeliveryFailures.classify(dead)).as("not final: its sender is owed a notice, a replay may deliver it")
                .isEqualTo(DeliveryFailures.Kind.TRANSIENT);
        assertThat(jdbc.queryForObject("select n from keyed where id = 'A'", Integer.class)).as("nothing of it written").isZero();
        assertThat(timeouts(registry, "message")).isEqualTo(3.0);
        assertThat(timeouts(registry, "store")).isZero();
    }

    /**
     * A store slow for everyone (it refuses the node's logins, its sessions ended: the probe gets no answer) is still an
     * outage: a message whose statement timed out waits however often it is tried, and is delivered once the store is
     * back.
     */
    @Test
    void a_store_slow_for_everyone_still_waits_and_the_message_is_delivered_once_it_is_back() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeliveryFailures failures = probing(Duration.ofMillis(500), registry);
        Throwable failure = catchThrowable(() -> jdbc.queryForObject("select pg_sleep(5)::text", String.class));
        assertThat(DeliveryFailures.cause(failure)).isEqualTo(DeliveryFailures.STORE_STATEMENT_TIMEOUT);
        String login = access.username();
        try {
            asSuperuser("alter role " + login + " connection limit 0",
                    "select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + login + "'");
            for (int n = 1; n <= 10; n++) {
                assertThat(failures.exhausted(attempt(n, "ID:C", failure))).as("not dead-lettered at attempt " + n).isFalse();
            }
        } finally {
            asSuperuser("alter role " + login + " connection limit -1");
        }
        assertThat(DeliveryFailures.outage(failure)).as("its queue suspended").isTrue();
        assertThat(timeouts(registry, "store")).isEqualTo(10.0);
        assertThat(timeouts(registry, "message")).isZero();
        assertThat(jdbc.update("update keyed set n = n + 1 where id = ?", "C")).as("delivered once the store is back").isEqualTo(1);
    }

    private static DeliveryFailures probing(Duration bound, SimpleMeterRegistry registry) {
        StoreProbe probe = new StoreProbe(store.dataSource(), bound);
        return new DeliveryFailures(8, -1, Duration.ofDays(30), java.time.Clock.systemUTC(),
                new SlowStatements(probe::ask, 3, registry));
    }

    private static double timeouts(SimpleMeterRegistry registry, String verdict) {
        return registry.get("jukibus.delivery.statement.timeouts").tag("verdict", verdict).counter().count();
    }

    private static void asSuperuser(String... statements) throws Exception {
        try (Connection c = server.superuser("postgres"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static void assertWaitsAsAnOutage(Throwable failure, String cause) {
        assertThat(DeliveryFailures.classify(failure)).as("waits on the broker").isEqualTo(DeliveryFailures.Kind.TRANSIENT);
        assertThat(DeliveryFailures.outage(failure)).as("suspends the queue, a timer run is an outage run").isTrue();
        assertThat(DeliveryFailures.cause(failure)).isEqualTo(cause);
        DeliveryFailures failures = DeliveryFailuresTest.failures(8, -1);
        for (int n = 1; n <= 20; n++) {
            assertThat(failures.exhausted(attempt(n, "ID:slow", failure))).as("not dead-lettered at attempt " + n).isFalse();
        }

        Exchange legacy = failed(failure);
        assertThat(new LegacyInputOutages().waits(legacy)).as("a legacy file waits in its drop folder").isTrue();
        assertThat(legacy.getProperty(WaitingFiles.WAITS, String.class)).startsWith(cause + ": ");
    }

    private static Exchange attempt(int n, String messageId, Throwable failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("JMSXDeliveryCount", n);
        exchange.getIn().setHeader("JMSMessageID", messageId);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    private static Exchange failed(Throwable failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setException(failure);
        return exchange;
    }
}
