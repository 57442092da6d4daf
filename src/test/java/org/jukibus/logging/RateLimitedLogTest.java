package org.jukibus.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class RateLimitedLogTest {

    final Logger logger = (Logger) LoggerFactory.getLogger("jukibus.test.rate-limited");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final AtomicLong ticks = new AtomicLong(-5_000); // nanoTime may be negative
    final Instant first = Instant.parse("2026-12-07T00:00:00Z");

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void the_first_line_at_once_then_one_per_interval_with_what_was_left_out() {
        RateLimitedLog log = new RateLimitedLog(logger, Duration.ofMinutes(1), Clock.fixed(first, ZoneOffset.UTC), ticks::get);
        RateLimitedLog.Line line = (leftOut, since) -> "event (" + leftOut + " left out since " + since + ")";
        assertThat(log.warn(line)).isEqualTo("event (0 left out since null)");
        for (int i = 0; i < 10; i++) {
            assertThat(log.warn(line)).isNull();
        }
        ticks.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(log.warn(line)).isNull();
        ticks.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(log.warn(line)).isEqualTo("event (11 left out since " + first + ")");
        assertThat(lines.list).hasSize(2);
    }

    @Test
    void now_writes_the_next_line_at_once_and_a_node_clock_moved_changes_nothing() {
        AtomicLong wall = new AtomicLong(first.toEpochMilli());
        Clock moved = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(wall.get()); }
        };
        RateLimitedLog log = new RateLimitedLog(logger, Duration.ofHours(1), moved, ticks::get);
        RateLimitedLog.Line line = (leftOut, since) -> "line " + leftOut;
        log.warn(line);
        wall.addAndGet(Duration.ofDays(2).toMillis()); // a drill: no time passed
        assertThat(log.warn(line)).isNull();
        wall.addAndGet(-Duration.ofDays(30).toMillis());
        assertThat(log.warn(line)).isNull();
        log.now(); // what the lines are about changed
        assertThat(log.warn(line)).isEqualTo("line 2");
    }
}
