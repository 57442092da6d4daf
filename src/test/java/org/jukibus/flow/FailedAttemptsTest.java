package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** A store or disk down for days with thousands of messages waiting: one line per cause, the waiting ones counted. */
class FailedAttemptsTest {

    static final String ROUTE = "transfer-in-delivery";
    static final CamelContext CAMEL = new DefaultCamelContext();

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T00:00:00Z"));
    final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final FailedAttempts attempts = new FailedAttempts(registry, clock);

    {
        attempts.gauge(ROUTE); // as at the context's start, for each route
    }
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(FailedAttempts.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(null);
    }

    @Test
    void a_transient_failure_is_logged_once_while_it_lasts_and_its_waiting_messages_are_counted() {
        for (int attempt = 0; attempt < 20; attempt++) {
            for (int m = 0; m < 500; m++) {
                attempts.failed(exchange("ID:" + m, outboxDown("Not a directory: outbox/transfer-in/" + m)));
            }
            now.set(now.get().plusSeconds(30));
        }
        assertThat(lines.list).hasSize(1).first().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains(ROUTE).contains(LegacyOutbox.UNWRITABLE).contains("Not a directory")
                    .contains("messages wait");
            assertThat(line.getThrowableProxy()).as("a known cause needs no stack trace").isNull();
        });
        assertThat(waiting()).isEqualTo(500.0);

        for (int m = 0; m < 499; m++) {
            attempts.wentThrough(exchange("ID:" + m, null));
        }
        assertThat(waiting()).isEqualTo(1.0);
        assertThat(lines.list).hasSize(1);
        attempts.wentThrough(exchange("ID:499", null));

        assertThat(waiting()).isZero();
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(1).getLevel()).isEqualTo(Level.INFO);
        assertThat(lines.list.get(1).getFormattedMessage()).contains(LegacyOutbox.UNWRITABLE + " has passed");

        attempts.failed(exchange("ID:600", outboxDown("disk full")));
        assertThat(lines.list).as("a new episode").hasSize(3);
    }

    @Test
    void a_cause_quiet_for_a_while_is_logged_again_and_a_message_no_longer_tried_is_no_longer_counted() {
        attempts.failed(exchange("ID:1", outboxDown("x")));
        now.set(now.get().plus(FailedAttempts.QUIET).plusSeconds(1));
        assertThat(waiting()).as("taken off the queue, say").isZero();

        attempts.failed(exchange("ID:2", outboxDown("x")));

        assertThat(lines.list).hasSize(2);
        assertThat(waiting()).isEqualTo(1.0);
    }

    @Test
    void after_the_clock_was_moved_back_a_cause_is_logged_again_and_messages_removed_meanwhile_are_no_longer_counted() {
        java.time.Instant drillEnd = now.get();
        now.set(drillEnd.plus(java.time.Duration.ofDays(40)));
        attempts.failed(exchange("ID:1", outboxDown("x")));
        now.set(drillEnd); // the drill ends: every clock back 40 days; ID:1 was removed by an operator meanwhile

        assertThat(waiting()).isZero();
        attempts.failed(exchange("ID:2", outboxDown("x")));
        assertThat(lines.list).as("not silenced for the 40 days moved").hasSize(2);
        assertThat(waiting()).isEqualTo(1.0);
    }

    @Test
    void a_bug_is_logged_with_its_stack_trace_once_per_episode_and_is_not_counted_as_waiting() {
        for (int m = 0; m < 100; m++) {
            attempts.failed(exchange("ID:" + m, new IllegalStateException("bug " + m)));
        }
        assertThat(lines.list).hasSize(1).first().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains("IllegalStateException").contains("dead-lettered after");
            assertThat(line.getThrowableProxy()).isNotNull();
        });
        assertThat(waiting()).isZero();
    }

    @Test
    void a_failure_outside_the_broker_routes_is_its_callers_to_report() {
        Exchange fromFile = exchange(null, outboxDown("x"));

        attempts.failed(fromFile);

        assertThat(lines.list).isEmpty();
    }

    double waiting() {
        return registry.get("jukibus.delivery.waiting").tag("route", ROUTE).gauge().value();
    }

    static Exchange exchange(String messageId, Exception failure) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getExchangeExtension().setFromRouteId(ROUTE);
        if (messageId != null) {
            exchange.getIn().setHeader("JMSMessageID", messageId);
        }
        exchange.setException(failure);
        return exchange;
    }

    /** The legacy outbox cannot be written: the one I/O error that names an outage (LegacyOutbox). */
    static TransientFailure outboxDown(String detail) {
        return new TransientFailure(LegacyOutbox.UNWRITABLE, detail, new IOException(detail));
    }
}
