package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jukibus.broker.NodeSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A bound, per producer, on the dead letters of security refusals. Those with no verified header attributed to a
 * signer (junk, bad signature, unknown sender, undecryptable, replay, another node's envelope: "unopened") are nobody's
 * evidence of anything, yet each went to {@code jukibus.dlq} for the full erasure retention: one peer with a valid
 * certificate sending 1 MiB of junk a time filled the disk within hours, and the broker's disk bound then stops every
 * peer's traffic; one that signs its junk (refused expired, clock ahead, for its payload) did the same. In each window
 * a producer's letters are kept whole up to {@code bytes} (unopened) or {@code signedBytes} (verified), then as records
 * (headers, reason, SHA-256, size, no body), and past {@code count} not at all; whatever is not kept whole is counted
 * (metric {@code jukibus_dlq_not_kept_total{producer}} and its bytes) and a SECURITY line is logged once per producer,
 * kind and window.
 *
 * <p>The producer is who the broker authenticated (its TLS certificate, {@link Headers#VALIDATED_USER}): the envelope's
 * own sender is unverified. So the bounds are each producer's own, and one peer's flood never costs another peer's
 * refused letters their place. This node's own replays ({@link NodeSecurityManager#LOCAL_USER}) are never bounded: the
 * replay took the dead letter off the queue, so not keeping its failure would lose it. Counts live in memory: a
 * restart starts a new window (it can only keep more, never fewer).
 *
 * <p>A letter takes its place in the window when it is labelled, so that letters dead-lettered side by side see each
 * other; inside a transaction (the consumer's JMS transaction, {@code node.NodeConfiguration#jms}) its place is given
 * back if the transaction rolls back, and the metric and the SECURITY line follow the commit only. Before, a
 * dead-lettering rolled back and redelivered (a dead-letter send or a commit that failed, up to 30 s apart) counted
 * again each time: about {@code count} rollbacks of one letter used up its producer's window, and that same letter was
 * then dropped as "not kept" although it never was (review-evidence L1).
 */
public final class UnopenedDeadLetters {

    private static final Logger security = LoggerFactory.getLogger("jukibus.security");

    /** More producers than any directory names (about 1,790 nodes): the oldest windows go first. */
    static final int MAX_PRODUCERS = 10_000;

    /**
     * @param count       dead letters (whole or as a record) per producer and window; past it they are not kept at all
     * @param bytes       bytes of unopened letters kept whole per producer and window; past it each is kept as a record
     *                    (headers, SHA-256 and size, no body)
     * @param signedBytes the same for security refusals of envelopes whose signature verified (expired, clock ahead,
     *                    a bad payload, a sender mismatch): a larger budget, since their signer is known and told
     * @param window      the window's length, from the producer's first letter in it
     */
    public record Bound(int count, long bytes, long signedBytes, Duration window) {
        public Bound {
            if (count < 0 || bytes < 0 || signedBytes < 0 || window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("jukibus.dead-letters.unopened: count and bytes must not be negative, "
                        + "window must be positive, not " + count + ", " + bytes + ", " + signedBytes + ", " + window);
            }
        }

        public Bound(int count, long bytes, Duration window) {
            this(count, bytes, bytes, window);
        }
    }

    /** What becomes of one refused letter. */
    public enum Verdict {
        /** Kept whole. */
        KEEP,
        /** Kept as a record: headers, SHA-256 and size, the body dropped. */
        RECORD,
        /** Not kept at all: counted. */
        DROP
    }

    /** One producer's window. */
    private static final class Window {
        final Instant start;
        int kept;
        long keptBytes;
        /** Whether the SECURITY line of this window was logged (at its first committed letter not kept whole). */
        boolean warned;

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

    /** Whether an unopened letter is kept whole (the unopened budget). */
    public boolean keep(String producer, long bytes, String reason) {
        return verdict(producer, bytes, reason, false) == Verdict.KEEP;
    }

    /**
     * What becomes of a letter refused for a security reason, of {@code bytes}, put on the broker by {@code producer}:
     * {@code signed} if its signature verified (its own byte budget). Anything not kept whole is counted; {@code reason}
     * names the refusal in the security line.
     */
    public Verdict verdict(String producer, long bytes, String reason, boolean signed) {
        if (NodeSecurityManager.LOCAL_USER.equals(producer)) {
            return Verdict.KEEP;
        }
        String who = producer == null ? "an unknown producer" : producer;
        Instant now = clock.instant();
        Window w;
        Verdict verdict;
        synchronized (windows) {
            String key = (signed ? "signed:" : "unopened:") + who;
            w = windows.get(key);
            // a clock moved back starts a window too: a window must never outlast its length
            if (w == null || !now.isBefore(w.start.plus(bound.window())) || now.isBefore(w.start)) {
                w = new Window(now);
                windows.put(key, w);
            }
            if (w.kept >= bound.count()) {
                verdict = Verdict.DROP;
            } else if (w.keptBytes + bytes <= (signed ? bound.signedBytes() : bound.bytes())) {
                verdict = Verdict.KEEP;
            } else {
                verdict = Verdict.RECORD;
            }
            take(w, verdict, bytes);
        }
        Window window = w;
        Runnable counted = () -> counted(window, who, bytes, reason, signed, verdict);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    // unknown (the commit's answer lost): counted as committed, the safe side (a redelivery, if it did
                    // not commit, counts once more and takes one more place; never a letter not kept and not counted)
                    if (status != STATUS_ROLLED_BACK) {
                        counted.run();
                    } else { // redelivered: its place is free again
                        synchronized (windows) {
                            giveBack(window, verdict, bytes);
                        }
                    }
                }
            });
        } else {
            counted.run();
        }
        return verdict;
    }

    private static void take(Window w, Verdict verdict, long bytes) {
        if (verdict != Verdict.DROP) {
            w.kept++;
        }
        if (verdict == Verdict.KEEP) {
            w.keptBytes += bytes;
        }
    }

    private static void giveBack(Window w, Verdict verdict, long bytes) {
        if (verdict != Verdict.DROP) {
            w.kept--;
        }
        if (verdict == Verdict.KEEP) {
            w.keptBytes -= bytes;
        }
    }

    /** A letter's verdict, committed: the metric and the window's SECURITY line for one not kept whole. */
    private void counted(Window w, String who, long bytes, String reason, boolean signed, Verdict verdict) {
        if (verdict == Verdict.KEEP) {
            return;
        }
        metrics.notKept(who, bytes);
        boolean first;
        synchronized (windows) {
            first = !w.warned;
            w.warned = true;
        }
        if (first) { // once per producer, kind and window
            security.warn("SECURITY dead letters from {} not kept whole: more than {} bytes of letters refused {} since {}"
                    + " (this one: {}, {} bytes); the rest of this window's are kept as records (headers, SHA-256, size),"
                    + " past {} letters not at all, counted (jukibus_dlq_not_kept_total)", who,
                    signed ? bound.signedBytes() : bound.bytes(), signed ? "after their signature verified"
                            : "with no verified header", w.start, reason, bytes, bound.count());
        }
    }
}
