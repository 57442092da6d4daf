package org.jukibus.link;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action at a time, each on a thread of its own: cutting a line ({@link PeerLink#start}'s alarm) may wait for
 * that peer (its lock, the client's failure listeners), and one peer's cut must never delay another's. Also closes the
 * session of a batch a stop abandoned, which asks a peer that may not answer.
 */
final class LineAlarms implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer = timer();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "jukibus-link-cut"));

    /** Runs {@code action} after {@code nanos}, unless cancelled first. */
    ScheduledFuture<?> after(long nanos, Runnable action) {
        return timer.schedule(() -> workers.execute(action), nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code action} now, on a thread of its own: a close that may wait for a peer that does not answer. */
    void execute(Runnable action) {
        try {
            workers.execute(action);
        } catch (RejectedExecutionException closed) {
            action.run(); // after close (the node stopping, review-fwdsafe L6): inline, never thrown at a batch's finish
        }
    }

    /** One thread; a cancelled alarm (the usual case: all confirmed in time) leaves the queue at once. */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "jukibus-link-alarm"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
