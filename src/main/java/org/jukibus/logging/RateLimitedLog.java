package org.jukibus.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * A WARN line that a flood must not repeat (a hostile peer's refused attempts, a notice held for every transfer-in):
 * the first at once, then at most one per interval, which says how many were left out since the line before. Nothing
 * is lost by leaving lines out: each caller counts its events elsewhere (a metric, a dead letter) and the line only
 * points at them.
 *
 * <p>The interval is measured on a monotonic source ({@code System.nanoTime}), not the node clock: a drill that moves
 * the node clock back (or forward) must neither silence the line for the distance moved nor hasten it, and a log's rate
 * limit is no business time. The node clock only dates the line before, for the reader. Thread-safe.
 */
public final class RateLimitedLog {

    /** The line to write, made from what was left out. */
    @FunctionalInterface
    public interface Line {
        /**
         * @param leftOut how many were left out since the line before (0: none, or none was written yet)
         * @param since   when the line before was written, on the node clock (null: none yet)
         */
        String of(long leftOut, Instant since);
    }

    private final Logger log;
    private final long intervalNanos;
    private final Clock clock;
    private final LongSupplier ticks;
    private boolean written;
    private long writtenAt;
    private Instant writtenOn;
    private long leftOut;

    /** @param clock the node clock: only dates the line before, in the next one */
    public RateLimitedLog(Logger log, Duration interval, Clock clock) {
        this(log, interval, clock, System::nanoTime);
    }

    /** @param ticks monotonic nanoseconds (System.nanoTime; a test moves its own) */
    public RateLimitedLog(Logger log, Duration interval, Clock clock, LongSupplier ticks) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.ticks = ticks;
    }

    /**
     * Writes the line at WARN unless one was written less than the interval ago; then counts this one left out.
     *
     * @return the line written, null if left out
     */
    public synchronized String warn(Line line) {
        long now = ticks.getAsLong();
        if (written && now - writtenAt < intervalNanos) {
            leftOut++;
            return null;
        }
        String text = line.of(leftOut, writtenOn);
        log.warn(text);
        written = true;
        writtenAt = now;
        writtenOn = clock.instant();
        leftOut = 0;
        return text;
    }

    /** The next line is written at once, whenever the one before was (what the lines are about changed). */
    public synchronized void now() {
        written = false;
    }
}
