package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.adapter.file.WaitingFiles;
import org.jukibus.core.NodeProperties;
import org.jukibus.store.NodeStore;
import org.jukibus.store.SharedPostgres;
import org.jukibus.store.StoreAccess;
import org.jukibus.store.StoreSettings;
import org.jukibus.testing.Closing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A store that is slow (a statement cancelled on its statement timeout, 57014) or a lock held by another connection
 * past the lock timeout (55P03) is an outage, with real PostgreSQL and the node's own JdbcTemplate translation: a
 * delivery waits on the broker and suspends its queue, a legacy file waits in its drop folder, a timer route's run is an
 * outage run. Before, a store slow for an hour dead-lettered its messages RETRIES_EXHAUSTED after eight attempts and
 * sent legacy files to error/. A message that fails for its own reason (a duplicate key) is still dead-lettered.
 */
class StoreTimeoutOutagesTest {

    @TempDir
    static Path dir;
    private static SharedPostgres server;
    private static NodeStore store;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws Exception {
        server = SharedPostgres.start(dir.resolve("server"));
        StoreAccess access = server.createDatabase("131041", dir.resolve("131041.pass"));
        NodeProperties.Store p = new NodeProperties.Store();
        // short timeouts for the test; the node's are 50 min and 10 min
        p.setUrl(access.url() + "?options=-c%20lock_timeout%3D300%20-c%20statement_timeout%3D1000");
        p.setUsername(access.username());
        p.setPasswordFile(access.passwordFile());
        store = NodeStore.open(StoreSettings.from(p, dir.resolve("home"), "131041"));
        jdbc = new JdbcTemplate(store.dataSource());
        jdbc.execute("create table held (id int primary key)");
        jdbc.execute("insert into held values (1)");
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
