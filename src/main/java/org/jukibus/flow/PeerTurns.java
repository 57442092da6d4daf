package org.jukibus.flow;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The turns of the slow lane ({@link SlowLane}): each peer's batches one after the other on a thread of that peer's
 * own, so that a peer confirming just inside the call timeout (hostile) holds up only its own batches, never another
 * slow peer's; and the next batch as soon as the previous one is done, not at the lane's next look, while the peer
 * still has messages and is still to be served.
 */
final class PeerTurns {

    private static final Logger log = LoggerFactory.getLogger(PeerTurns.class);

    /** One batch for a peer; whether it moved any message (else the peer waits for the next look). */
    interface Batch {
        boolean run(String peer) throws Exception;
    }

    private final Executor threads;
    private final Predicate<String> stillDue;
    private final Batch batch;
    /** Peers with a turn now: one at a time per peer, so a peer's parking queue is read in its order by one batch. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /**
     * @param threads  one thread per peer with a turn (a peer's turn may hold its thread up to a call timeout per batch)
     * @param stillDue whether a peer is still to be served after a batch (still slow, not down)
     */
    PeerTurns(Executor threads, Predicate<String> stillDue, Batch batch) {
        this.threads = threads;
        this.stillDue = stillDue;
        this.batch = batch;
    }

    /** Starts a turn for {@code peer} unless it has one now. */
    void offer(String peer) {
        if (!busy.add(peer)) {
            return;
        }
        try {
            threads.execute(() -> turn(peer));
        } catch (RejectedExecutionException e) {
            busy.remove(peer); // closing
        }
    }

    private void turn(String peer) {
        try {
            while (batch.run(peer) && stillDue.test(peer)) {
                // the next batch right away: its parking queue may hold more
            }
        } catch (Exception e) {
            log.warn("a slow-lane batch for {} was rolled back (tried again shortly): {}", peer, e.toString());
        } finally {
            busy.remove(peer);
        }
    }
}
