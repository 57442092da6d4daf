package org.jukibus.flow.nondelivery;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Consumer;
import org.apache.camel.support.DefaultScheduledPollConsumerScheduler;
import org.apache.camel.support.ScheduledPollConsumer;
import org.jukibus.core.OnDemandRounds;

/**
 * Runs the receipt-batch route's ticks only while receipts are owed ({@code scheduler=#receiptBatchTicks} in
 * routes/common/receipt-batches.yaml), not every {@code jukibus.receipts.batch.interval} for ever: a tick with nothing
 * owed does nothing ({@link ReceiptBatches#make}), and five of them a second per node were the most frequent thing an
 * idle node did (issue 19 item 5). A receipt added ({@link ReceiptBatches#batch}) asks for a tick one interval later (so
 * a receipt waits at most one interval, as with a fixed timer, and receipts added meanwhile share it); after a tick
 * another follows one interval later for as long as something is still owed (more than one tick's worth, or a tick that
 * failed: its receipts stay owed and are tried again, as before). The first tick comes the route's initial delay (one
 * second) after the start: receipts a crash left in the store are owed until a tick settles them. Ticks run on the consumer's own scheduler
 * thread, one at a time; requests that arrive while one is waiting to run are merged into it. A route quiet because
 * nothing is owed is not a stopped one: the liveness of its ticks ({@link OnDemandRounds}) counts only from when one is due.
 */
public final class ReceiptBatchTicks extends DefaultScheduledPollConsumerScheduler implements OnDemandRounds {

    private final ReceiptBatches batches;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private volatile Runnable poll;
    private volatile boolean started;
    /** Since when a tick has been queued or running without a pause ({@link OnDemandRounds}); guarded by {@code this}. */
    private long dueSince = IDLE;

    public ReceiptBatchTicks(ReceiptBatches batches) {
        this.batches = batches;
    }

    @Override
    public void onInit(Consumer consumer) {
        // a scheduler of our own gets none of the consumer's timing options: take them over (delay = the interval)
        if (consumer instanceof ScheduledPollConsumer polling) {
            setDelay(polling.getDelay());
            setInitialDelay(polling.getInitialDelay());
            setTimeUnit(polling.getTimeUnit());
        }
        super.onInit(consumer);
    }

    @Override
    public void scheduleTask(Runnable task) {
        this.poll = task;
        super.scheduleTask(task); // kept only: startScheduler (the fixed delay) is ours, ticks run on demand (request)
    }

    @Override
    public void startScheduler() {
        started = true;
        tickQueued.set(false); // a tick queued before a stop went with that stop's executor
        synchronized (this) {
            dueSince = IDLE;
        }
        batches.whenOwed(this::request);
        schedule(getInitialDelay());
    }

    @Override
    public boolean isSchedulerStarted() {
        return started;
    }

    @Override
    public void unscheduleTask() {
        started = false;
        batches.whenOwed(null);
    }

    @Override
    protected void doStop() throws Exception {
        unscheduleTask();
        super.doStop();
    }

    /** A receipt is owed: a tick one interval from now, unless one is already waiting to run. */
    void request() {
        schedule(getDelay());
    }

    private synchronized void schedule(long delay) {
        ScheduledExecutorService executor = getScheduledExecutorService();
        if (!started || poll == null || executor == null || !tickQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(this::tick, delay, getTimeUnit());
            if (dueSince == IDLE) {
                dueSince = System.nanoTime();
            }
        } catch (RejectedExecutionException e) {
            tickQueued.set(false); // stopping: what is owed stays in the store for the next start
        }
    }

    private void tick() {
        tickQueued.set(false); // a receipt added from now on asks for the next tick
        try {
            poll.run();
        } finally {
            if (batches.owed()) {
                schedule(getDelay());
            }
            synchronized (this) {
                if (!tickQueued.get()) {
                    dueSince = IDLE; // quiet until a receipt is owed
                }
            }
        }
    }

    @Override
    public synchronized long dueSinceNanos() {
        return dueSince;
    }
}
