package org.jukibus.flow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The cutoff of a purge that forgets by time, never moved on faster than time actually passes. The purge forgets by
 * the system clock ({@link org.jukibus.clock.NodeClock#forForgetting}); a host clock that jumps forward (a bad NTP
 * answer, an RTC read in the wrong zone, a VM clock) by more than the window would make the next hourly purge forget
 * ids that are back inside the window once the clock is set right, and a replay of one would be delivered twice. So
 * the cutoff moves on by at most twice the monotonic time ({@link System#nanoTime}) since the last purge, and is kept
 * in the store ({@code purge_cutoff}) across restarts. Twice: after a restart (whose down time no monotonic clock
 * measured, so the first purge does not move the cutoff at all) it catches up with the clock at the rate time passes.
 * Keeping an id longer than needed costs only store space. Used by the purges of {@code seen_message} and of
 * delivery status (flow.nondelivery.UnansweredMessages: there a jump would also tell every open message's legacy
 * system, falsely and for good, that it was not delivered).
 */
public final class PurgeCutoff {

    private final String purge;
    private final LongSupplier nanos;
    private Instant last;
    private long lastNanos;

    /** @param purge the purge's name in {@code purge_cutoff} */
    public PurgeCutoff(String purge) {
        this(purge, System::nanoTime);
    }

    /** @param nanos monotonic time in nanoseconds ({@link System#nanoTime}; a test's own) */
    public PurgeCutoff(String purge, LongSupplier nanos) {
        this.purge = purge;
        this.nanos = nanos;
    }

    /**
     * The cutoff to purge by now: {@code wanted}, or less if that is further past the last cutoff than time allows;
     * recorded in {@code c}'s transaction (the caller commits it with its delete).
     */
    public synchronized Instant next(Connection c, Instant wanted) throws SQLException {
        long now = nanos.getAsLong();
        Instant previous = last;
        Duration passed = Duration.ofNanos(now - lastNanos);
        if (previous == null) {
            previous = stored(c);
            passed = Duration.ZERO;
        }
        Instant cutoff = wanted;
        if (previous != null && cutoff.isAfter(previous.plus(passed.multipliedBy(2)))) {
            cutoff = previous.plus(passed.multipliedBy(2));
        }
        try (PreparedStatement s = c.prepareStatement("insert into purge_cutoff (purge, cutoff) values (?, ?) "
                + "on conflict (purge) do update set cutoff = excluded.cutoff")) {
            s.setString(1, purge);
            s.setTimestamp(2, Timestamp.from(cutoff));
            s.executeUpdate();
        }
        last = cutoff;
        lastNanos = now;
        return cutoff;
    }

    private Instant stored(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select cutoff from purge_cutoff where purge = ?")) {
            s.setString(1, purge);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getTimestamp(1).toInstant() : null;
            }
        }
    }
}
