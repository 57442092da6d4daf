package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class SecurityEventsTest {

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T00:00:00Z"));
    final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    /** Monotonic nanoseconds, which the log's interval is measured on. */
    final java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong(1_000);
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    /** Time passes: the node clock and the monotonic source alike. */
    void elapse(java.time.Duration d) {
        now.set(now.get().plus(d));
        ticks.addAndGet(d.toNanos());
    }
    final Logger security = (Logger) LoggerFactory.getLogger("jukibus.security");

    @BeforeEach
    void capture() {
        lines.start();
        security.addAppender(lines);
    }

    @AfterEach
    void release() {
        security.detachAppender(lines);
    }

    @Test
    void a_flood_of_refusals_is_counted_in_full_but_logged_once_a_minute_per_kind() {
        SecurityEvents events = new SecurityEvents(clock, ticks::get);
        for (int i = 0; i < 500; i++) {
            events.loginRefused("127.0.0.1", "wrong PIN " + i);
            events.permissionDenied("limited", "dlq.purge:transfer-in", "management port");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "SECURITY login refused from 127.0.0.1: wrong PIN 0",
                "SECURITY dlq.purge:transfer-in denied to 'limited' on address management port");

        elapse(SecurityEvents.LOG_INTERVAL);
        events.loginRefused("127.0.0.1", "wrong PIN 500");
        assertThat(lines.list).hasSize(3);
        assertThat(lines.list.get(2).getFormattedMessage())
                .isEqualTo("SECURITY login refused from 127.0.0.1: wrong PIN 500 (and 499 more of this kind since 2026-11-26T00:00:00Z, not logged one by one)");
        assertThat(events.drain()).as("central still hears of every one").isEqualTo(new SecurityEvents.Counts(501, 500, 0));
    }

    @Test
    void moving_the_node_clock_neither_silences_nor_hastens_a_line() {
        SecurityEvents events = new SecurityEvents(clock, ticks::get);
        Instant drillEnd = now.get();
        now.set(drillEnd.plus(java.time.Duration.ofDays(40)));
        events.loginRefused("127.0.0.1", "during the drill");
        now.set(drillEnd); // the drill ends: the clock moves back

        events.loginRefused("127.0.0.1", "right after the drill");
        ticks.addAndGet(SecurityEvents.LOG_INTERVAL.toNanos());
        events.loginRefused("127.0.0.1", "a minute after the drill");
        now.set(now.get().plus(java.time.Duration.ofDays(1))); // moved forward, no time passed
        events.loginRefused("127.0.0.1", "a drill moved the clock a day on");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .as("not silenced for the 40 days moved back, not hastened by a day moved forward")
                .containsExactly("SECURITY login refused from 127.0.0.1: during the drill",
                        "SECURITY login refused from 127.0.0.1: a minute after the drill (and 1 more of this kind since "
                                + drillEnd.plus(java.time.Duration.ofDays(40)) + ", not logged one by one)");
    }

    @Test
    void refused_messages_have_their_own_count_and_rate_limited_line() {
        SecurityEvents events = new SecurityEvents(clock, ticks::get);
        events.loginRefused("127.0.0.1", "unknown certificate");
        for (int i = 0; i < 300; i++) {
            events.messageRefused("131059", i % 2 == 0 ? "BAD_SIGNATURE" : "REPLAY");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).as("a flood of messages does not hide the login")
                .containsExactly("SECURITY login refused from 127.0.0.1: unknown certificate",
                        "SECURITY message from 131059 refused: BAD_SIGNATURE");

        elapse(SecurityEvents.LOG_INTERVAL);
        events.messageRefused("131016", "SENDER_MISMATCH");
        assertThat(lines.list.get(2).getFormattedMessage()).isEqualTo("SECURITY message from 131016 refused: SENDER_MISMATCH"
                + " (and 299 more of this kind since 2026-11-26T00:00:00Z, not logged one by one)");
        SecurityEvents.Counts counts = events.drain();
        assertThat(counts).isEqualTo(new SecurityEvents.Counts(1, 0, 301));

        events.restore(counts); // the heartbeat carrying them failed
        assertThat(events.drain()).isEqualTo(counts);
        assertThat(events.drain()).isEqualTo(new SecurityEvents.Counts(0, 0, 0));
    }
}
