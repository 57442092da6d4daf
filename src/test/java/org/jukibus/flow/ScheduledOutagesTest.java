package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.event.ExchangeCompletedEvent;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.audit.OperationLogUnwritable;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * A timer route whose runs fail on an outage: one episode per route (counted once, however many runs fail), the route
 * and cause reported while it lasts, ended by the first run that goes through; a bug is not taken for an outage.
 */
class ScheduledOutagesTest {

    final CamelContext camel = new DefaultCamelContext();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);
    final ScheduledOutages outages = new ScheduledOutages(registry, clock);

    @Test
    void runs_failing_on_the_store_make_one_episode_per_route_reported_until_a_run_goes_through() {
        for (int i = 0; i < 5; i++) {
            Exchange run = run("heartbeat", new CannotGetJdbcConnectionException("connection refused"));
            assertThat(outages.outage(run)).isTrue();
            outages.failed(run);
        }
        Exchange audit = run("receipt-batches", new OperationLogUnwritable("cannot be written", new java.io.IOException("No space left")));
        assertThat(outages.outage(audit)).isTrue();
        outages.failed(audit);

        assertThat(outages.failing()).extracting(ScheduledOutages.Failing::route, ScheduledOutages.Failing::cause,
                        ScheduledOutages.Failing::runs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("heartbeat", "CannotGetJdbcConnectionException", 5L),
                        org.assertj.core.groups.Tuple.tuple("receipt-batches", OperationLogUnwritable.REASON, 1L));
        assertThat(registry.get("jukibus.scheduled.outages").tag("route", "heartbeat").counter().count())
                .as("one episode, however many runs").isEqualTo(1.0);
        assertThat(registry.get("jukibus.scheduled.outage").tag("route", "heartbeat").gauge().value()).isEqualTo(1.0);

        // a handled failure completes too: it does not end the episode
        outages.notify(new ExchangeCompletedEvent(run("heartbeat", new CannotGetJdbcConnectionException("still"))));
        assertThat(outages.failing()).hasSize(2);
        // a split's part that went through says nothing of its run
        Exchange part = run("heartbeat", null);
        part.setProperty(Exchange.CORRELATION_ID, "the run's id");
        outages.notify(new ExchangeCompletedEvent(part));
        assertThat(outages.failing()).hasSize(2);

        Exchange erasure = run("erasure", new CannotGetJdbcConnectionException("connection refused"));
        outages.failed(erasure);
        outages.notify(new ExchangeCompletedEvent(run("heartbeat", null)));
        assertThat(outages.failing()).as("the store's outage passed for the hourly erasure too; the log's has not")
                .extracting(ScheduledOutages.Failing::route).containsExactly("receipt-batches");
        assertThat(registry.get("jukibus.scheduled.outage").tag("route", "heartbeat").gauge().value()).isZero();

        Exchange again = run("heartbeat", new CannotGetJdbcConnectionException("connection refused"));
        outages.failed(again);
        assertThat(registry.get("jukibus.scheduled.outages").tag("route", "heartbeat").counter().count())
                .as("a new episode").isEqualTo(2.0);
    }

    @Test
    void a_bug_is_no_outage() {
        assertThat(outages.outage(run("erasure", new NullPointerException()))).isFalse();
        assertThat(outages.outage(run("erasure", new java.sql.SQLException("deadlock detected", "40P01")))).isFalse();
        assertThat(outages.failing()).isEmpty();
    }

    private Exchange run(String route, Exception failure) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromRouteId(route);
        if (failure != null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        }
        return exchange;
    }
}
