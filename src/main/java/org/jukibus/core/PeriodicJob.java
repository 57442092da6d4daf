package org.jukibus.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work a node repeats on a thread of its own for as long as it runs (erasure, purges, link rechecks, log sealing,
 * queue metrics): one failed round is logged at ERROR and the next round runs all the same. A bare
 * {@link ScheduledExecutorService} cancels a task for good once it throws, silently, which on a node that runs for
 * years is a stop nobody sees; so every periodic job of a node goes through here, and what it throws (an
 * {@link Error} too: a class not found after a package upgrade, an out-of-memory that passed) ends only that round.
 */
public final class PeriodicJob implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);

    /** One round of the job. */
    @FunctionalInterface
    public interface Round {
        void run() throws Exception;
    }

    private final String name;
    private final Duration every;
    private final ScheduledExecutorService executor;

    private PeriodicJob(String name, Duration every, ScheduledExecutorService executor) {
        this.name = name;
        this.every = every;
        this.executor = executor;
    }

    /**
     * Runs {@code round} after {@code first} and then {@code every} after the end of each round, on a daemon thread
     * named {@code name} (in the starting thread's group, so its log lines name the node).
     */
    public static PeriodicJob start(String name, Duration first, Duration every, Round round) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException(name + ": the interval must be positive, not " + every);
        }
        PeriodicJob job = new PeriodicJob(name, every, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }));
        job.executor.scheduleWithFixedDelay(() -> job.runOnce(round), first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return job;
    }

    /**
     * {@code round} as a task for a scheduled executor that does other work as well (so is not a PeriodicJob of its
     * own): it never throws, so the executor never cancels it.
     */
    public static Runnable guarded(String name, Duration every, Round round) {
        PeriodicJob naming = new PeriodicJob(name, every, null);
        return () -> naming.runOnce(round);
    }

    void runOnce(Round round) {
        try {
            round.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (Throwable t) {
            log.error("{} failed (it runs again in {}): {}", name, every, t.toString(), t);
        }
    }

    /** Stops without interrupting: a round in progress may finish, for up to {@code wait}. */
    public void finish(Duration wait) throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
