package org.jukibus.flow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The cutoff of a purge that forgets by time, never moved on faster than time actually passes. The purge forgets by
 * the system clock ({@link org.jukibus.clock.NodeClock#forForgetting}); a host clock that jumps forward (a bad NTP
 * answer, an RTC read in the wrong zone, a VM clock) by more than the window would make the next hourly purge forget
 * ids that are back inside the window once the clock is set right, and a replay of one would be delivered twice. So
 * the cutoff moves on by at most twice the monotonic time ({@link System#nanoTime}) since the last purge, and is kept
 * in the store ({@code purge_cutoff}) across restarts. Twice: after a restart (whose down time no monotonic clock
 * measured, so the first purge does not move the cutoff at all) it catches up with the clock at the rate time passes.
 * Keeping an id longer than needed costs only store space. The delivery-status purge, whose final words cannot be
 * taken back, uses the stricter {@link #neverEarly} cutoff (twice only while the clock is known synchronised).
 */
public final class PurgeCutoff {

    private final String purge;
    private final LongSupplier nanos;
    /** Never ahead of time passed ({@link #neverEarly}) rather than twice it. */
    private final boolean neverEarly;
    /**
     * For a {@link #neverEarly} cutoff: whether the host's time service says the clock is synchronised
     * ({@link org.jukibus.clock.ClockSync}); while it does, a lag is caught up at up to twice the time that passes.
     */
    private final BooleanSupplier synchronised;
    private Instant last;
    private long lastNanos;

    /** @param purge the purge's name in {@code purge_cutoff} */
    public PurgeCutoff(String purge) {
        this(purge, System::nanoTime);
    }

    /** @param nanos monotonic time in nanoseconds ({@link System#nanoTime}; a test's own) */
    public PurgeCutoff(String purge, LongSupplier nanos) {
        this(purge, nanos, false, () -> true);
    }

    private PurgeCutoff(String purge, LongSupplier nanos, boolean neverEarly, BooleanSupplier synchronised) {
        this.purge = purge;
        this.nanos = nanos;
        this.neverEarly = neverEarly;
        this.synchronised = synchronised;
    }

    /**
     * The cutoff of a purge whose act cannot be undone (a final word to a legacy system: flow.nondelivery.
     * UnansweredMessages), which must never come early. After a restart it first catches up by the time the clock says
     * passed since the last purge (the {@code wanted} cutoff kept with it), the down time no monotonic clock measured.
     * While the node runs it moves on as fast as monotonic time passes while the clock is not known to be synchronised
     * (a clock that jumps ahead brings nothing early for as long as it stays ahead); while the host's time service says
     * it is ({@code synchronised}), the clock is believed and a lag is caught up at up to twice that, never past the
     * clock's own cutoff. Without that catching up, a lag stayed for good: an NTP step forward after a start on the
     * clock saved at shutdown (systemd-timesyncd), or a jump during the down time that was a correction, left the cutoff
     * behind by it, and each such restart added more, so final words drifted past their two windows (analysis-merge11
     * L2). A clock that is wrong while the time service says synchronised (a false NTP answer) can bring words early by
     * up to the time it stays wrong, never by more than it is ahead.
     */
    public static PurgeCutoff neverEarly(String purge, BooleanSupplier synchronised) {
        return neverEarly(purge, System::nanoTime, synchronised);
    }

    /** {@link #neverEarly(String, BooleanSupplier)} on a test's monotonic time. */
    public static PurgeCutoff neverEarly(String purge, LongSupplier nanos, BooleanSupplier synchronised) {
        return new PurgeCutoff(purge, nanos, true, synchronised);
    }

    /** {@link #neverEarly(String, BooleanSupplier)} on a test's monotonic time, with a clock never known synchronised. */
    public static PurgeCutoff neverEarly(String purge, LongSupplier nanos) {
        return neverEarly(purge, nanos, () -> false);
    }

    /**
     * The cutoff to purge by now: {@code wanted}, or less if that is further past the last cutoff than time allows;
     * recorded in {@code c}'s transaction (the caller commits it with its delete).
     */
    public synchronized Instant next(Connection c, Instant wanted) throws SQLException {
        long now = nanos.getAsLong();
        Instant bound;
        if (last == null) {
            Stored stored = stored(c);
            bound = stored == null ? null : stored.cutoff();
            if (bound != null && neverEarly && stored.wanted() != null && wanted.isAfter(stored.wanted())) {
                bound = bound.plus(Duration.between(stored.wanted(), wanted)); // down time, as the clock tells it
            }
        } else {
            Duration passed = Duration.ofNanos(now - lastNanos);
            // twice: a lag (after a restart, a jump that was a correction) is caught up at the rate time passes
            boolean catchUp = !neverEarly || synchronised.getAsBoolean();
            bound = last.plus(catchUp ? passed.multipliedBy(2) : passed);
        }
        Instant cutoff = bound != null && wanted.isAfter(bound) ? bound : wanted;
        try (PreparedStatement s = c.prepareStatement("insert into purge_cutoff (purge, cutoff, wanted) values (?, ?, ?) "
                + "on conflict (purge) do update set cutoff = excluded.cutoff, wanted = excluded.wanted")) {
            s.setString(1, purge);
            s.setTimestamp(2, Timestamp.from(cutoff));
            s.setTimestamp(3, Timestamp.from(wanted));
            s.executeUpdate();
        }
        last = cutoff;
        lastNanos = now;
        return cutoff;
    }

    private record Stored(Instant cutoff, Instant wanted) {
    }

    private Stored stored(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select cutoff, wanted from purge_cutoff where purge = ?")) {
            s.setString(1, purge);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                Timestamp wanted = r.getTimestamp(2);
                return new Stored(r.getTimestamp(1).toInstant(), wanted == null ? null : wanted.toInstant());
            }
        }
    }
}
