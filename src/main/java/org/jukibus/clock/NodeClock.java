package org.jukibus.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The node's one clock: the system's UTC time moved by an offset that an operator (or a drill, or a
 * test) can change while the node runs (see {@link ClockOffsetFile}). Every decision by time
 * (envelope freshness, certificate and CRL validity, cut-offs, erasure, expiry at the sender) reads
 * this clock, so moving it moves the node's whole idea of "now"; reading it is one volatile read.
 */
public final class NodeClock extends Clock {

    private final Clock base;
    private volatile Duration offset;

    public NodeClock(Clock base, Duration offset) {
        this.base = base;
        this.offset = offset;
    }

    /** How far this node's time is ahead of the system's (negative: behind). */
    public Duration offset() {
        return offset;
    }

    /** Moves the clock; returns the offset it had before. */
    public Duration moveTo(Duration newOffset) {
        Duration before = offset;
        offset = newOffset;
        return before;
    }

    /**
     * The time by which a node forgets what it keeps for the outage window (delivered ids, sent payloads, delivery
     * status): {@code clock}'s, but never ahead of the system's. A drill moves the node clock forward and back again;
     * forgetting by the moved time would drop ids still inside the window once the clock is back, and a replay of one
     * would then be taken as new. Keeping an entry longer than needed costs only store space.
     */
    public static Instant forForgetting(Clock clock) {
        if (clock instanceof NodeClock node) {
            Duration ahead = node.offset;
            Instant now = node.base.instant();
            return ahead.isNegative() ? now.plus(ahead) : now;
        }
        return clock.instant();
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(base.withZone(zone), offset); // a fixed snapshot of the offset: only for formatting
    }
}
