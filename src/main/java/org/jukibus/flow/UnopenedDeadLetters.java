package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jukibus.broker.NodeSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound, per producer, on the dead letters that never opened: envelopes refused before their signature verified
 * (bad signature, unknown sender, junk: {@code EnvelopeRejectedException} without a signed header). Their bytes are
 * nobody's evidence of anything, yet each went to {@code jukibus.dlq} for the full erasure retention: one peer with a
 * valid certificate sending 1 MiB of junk a time filled the disk within hours, and the broker's disk bound then stops
 * every peer's traffic. In each window the first {@code count} letters and {@code bytes} of one producer are kept with
 * their reason; the rest are counted (metric {@code jukibus_dlq_not_kept_total{producer}} and its bytes), not kept, and
 * a SECURITY line is logged once per producer and window with how many went.
 *
 * <p>The producer is who the broker authenticated (its TLS certificate, {@link Headers#VALIDATED_USER}): the envelope's
 * own sender is unverified. So the bounds are each producer's own, and one peer's flood never costs another peer's
 * refused letters their place. This node's own replays ({@link NodeSecurityManager#LOCAL_USER}) are never bounded: the
 * replay took the dead letter off the queue, so not keeping its failure would lose it. Counts live in memory: a
 * restart starts a new window (it can only keep more, never fewer).
 */
public final class UnopenedDeadLetters {

    private static final Logger security = LoggerFactory.getLogger("jukibus.security");

    /** More producers than any directory names (about 1,790 nodes): the oldest windows go first. */
    static final int MAX_PRODUCERS = 10_000;

    /**
     * @param count  letters kept per producer and window
     * @param bytes  bytes of letters kept per producer and window (a letter that would pass it is not kept)
     * @param window the window's length, from the producer's first unopened letter in it
     */
    public record Bound(int count, long bytes, Duration window) {
        public Bound {
            if (count < 0 || bytes < 0 || window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("jukibus.dead-letters.unopened: count and bytes must not be negative, "
                        + "window must be positive, not " + count + ", " + bytes + ", " + window);
            }
        }
    }

    /** One producer's window. */
    private static final class Window {
        final Instant start;
        int kept;
        long keptBytes;
        long notKept;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final Bound bound;
    private final Clock clock;
    private final FlowMetrics metrics;
    private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_PRODUCERS;
        }
    };

    public UnopenedDeadLetters(Bound bound, Clock clock, FlowMetrics metrics) {
        this.bound = bound;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Whether an unopened dead letter of {@code bytes} put on the broker by {@code producer} is kept; if not, it is
     * counted. {@code reason} names the refusal in the security line.
     */
    public boolean keep(String producer, long bytes, String reason) {
        if (NodeSecurityManager.LOCAL_USER.equals(producer)) {
            return true;
        }
        String who = producer == null ? "an unknown producer" : producer;
        Instant now = clock.instant();
        long notKept;
        Instant since;
        synchronized (windows) {
            Window w = windows.get(who);
            // a clock moved back starts a window too: a window must never outlast its length
            if (w == null || !now.isBefore(w.start.plus(bound.window())) || now.isBefore(w.start)) {
                w = new Window(now);
                windows.put(who, w);
            }
            if (w.kept < bound.count() && w.keptBytes + bytes <= bound.bytes()) {
                w.kept++;
                w.keptBytes += bytes;
                return true;
            }
            notKept = ++w.notKept;
            since = w.start;
        }
        metrics.notKept(who, bytes);
        if (notKept == 1) { // once per producer and window
            security.warn("SECURITY dead letters from {} not kept: more than {} letters or {} bytes refused before their"
                    + " signature verified since {} (this one: {}, {} bytes); the rest of this window's are counted"
                    + " (jukibus_dlq_not_kept_total), not kept", who, bound.count(), bound.bytes(), since, reason, bytes);
        }
        return false;
    }
}
