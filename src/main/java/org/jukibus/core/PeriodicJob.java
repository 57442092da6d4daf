package org.jukibus.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jukibus.logging.NodeThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work a node repeats on a thread of its own for as long as it runs (erasure, purges, link rechecks, log sealing,
 * queue metrics): one failed round is logged at ERROR and the next round runs all the same. A bare
 * {@link ScheduledExecutorService} cancels a task for good once it throws, silently, which on a node that runs for
 * years is a stop nobody sees; so every periodic job of a node goes through here, and what it throws (an
 * {@link Error} too: a class not found after a package upgrade, an out-of-memory that passed) ends only that round.
 * <p>
 * A round that hangs (a store connection silently dropped, a lock, a broker blocking a send) stops the job as surely,
 * and throws nothing. So each job keeps when its last round ended normally ({@link #sinceSuccess}), and
 * {@code management.JobLiveness} reports a node's jobs that have not finished one for too long (a metric, a health
 * component, the heartbeat). Elapsed time is monotonic ({@link System#nanoTime}): a clock moved forward (a drill) is
 * not a hang, and a clock moved back does not hide one.
 * <p>
 * The node's Camel timer and scheduler routes run their rounds on Camel's threads; each is {@link #watched} here as a
 * job of its own (management.RouteJobs), so that a hung round there is seen the same way.
 */
public final class PeriodicJob implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);

    /** One round of the job. */
    @FunctionalInterface
    public interface Round {
        void run() throws Exception;
    }

    /**
     * Every job started and not closed, for {@link #of}; weakly, since the owner of a {@link #guarded} task has no
     * close to call here: its job goes with its executor.
     */
    private static final Set<PeriodicJob> JOBS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final String name;
    private final Duration every;
    private final ScheduledExecutorService executor;
    private final ThreadGroup node;
    /** When the last round ended normally ({@link System#nanoTime}), or, before any did, when the first was due. */
    private volatile long lastSuccessNanos;
    private volatile boolean succeeded;
    /** For a job whose rounds come only while there is work: since when one is due ({@link OnDemandRounds}); else null. */
    private final LongSupplier dueSince;

    private PeriodicJob(String name, Duration first, Duration every, ScheduledExecutorService executor) {
        this(name, first, every, executor, NodeThreads.groupOf(Thread.currentThread()), null);
    }

    private PeriodicJob(String name, Duration first, Duration every, ScheduledExecutorService executor, ThreadGroup node,
                        LongSupplier dueSince) {
        this.name = name;
        this.every = every;
        this.executor = executor;
        this.node = node;
        this.dueSince = dueSince;
        this.lastSuccessNanos = System.nanoTime() + first.toNanos();
        JOBS.add(this);
    }

    /**
     * Runs {@code round} after {@code first} and then {@code every} after the end of each round, on a daemon thread
     * named {@code name} (in the starting thread's group, so its log lines name the node).
     */
    public static PeriodicJob start(String name, Duration first, Duration every, Round round) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException(name + ": the interval must be positive, not " + every);
        }
        PeriodicJob job = new PeriodicJob(name, first, every, Executors.newSingleThreadScheduledExecutor(r -> {
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
        PeriodicJob naming = new PeriodicJob(name, Duration.ZERO, every, null);
        return () -> naming.runOnce(round);
    }

    /**
     * A job whose rounds something else runs (a Camel timer route): it is only told when a round ended normally
     * ({@link #roundEnded}), for the liveness of the node of {@code node} ({@link NodeThreads#groupOf}). With
     * {@code rounds} (may be null), its rounds come only while there is work: while none is due it is never late, and
     * once one is due it is late {@code every} after that, not after the last round before the quiet.
     */
    public static PeriodicJob watched(String name, Duration first, Duration every, ThreadGroup node, OnDemandRounds rounds) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException(name + ": the interval must be positive, not " + every);
        }
        return new PeriodicJob(name, first, every, null, node, rounds == null ? null : rounds::dueSinceNanos);
    }

    /** A round of a {@link #watched} job ended normally. */
    public void roundEnded() {
        lastSuccessNanos = System.nanoTime();
        succeeded = true;
    }

    void runOnce(Round round) {
        try {
            round.run();
            lastSuccessNanos = System.nanoTime();
            succeeded = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (Throwable t) {
            log.error("{} failed (it runs again in {}): {}", name, every, t.toString(), t);
        }
    }

    /** This job's name, as its thread and its log lines have it. */
    public String name() {
        return name;
    }

    /** How long after the end of a round the next one starts. */
    public Duration every() {
        return every;
    }

    /** Whether a round has ended normally yet. */
    public boolean succeeded() {
        return succeeded;
    }

    /** How long ago the last round ended normally (before any did: since the first was due; negative before that). */
    public Duration sinceSuccess() {
        long now = System.nanoTime();
        long last = lastSuccessNanos;
        if (dueSince != null) {
            long due = dueSince.getAsLong();
            if (due == OnDemandRounds.IDLE) {
                return Duration.ZERO; // nothing to do, nothing late
            }
            if (due - last > 0) {
                last = due; // quiet until then
            }
        }
        return Duration.ofNanos(now - last);
    }

    /** The jobs running for the node of {@code nodeGroup} ({@link NodeThreads#groupOf}), in no particular order. */
    public static List<PeriodicJob> of(ThreadGroup nodeGroup) {
        synchronized (JOBS) {
            List<PeriodicJob> jobs = new ArrayList<>();
            for (PeriodicJob job : JOBS) {
                if (job.node == nodeGroup) {
                    jobs.add(job);
                }
            }
            return jobs;
        }
    }

    /** Stops without interrupting: a round in progress may finish, for up to {@code wait}. */
    public void finish(Duration wait) throws InterruptedException {
        JOBS.remove(this);
        executor.shutdown();
        executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        JOBS.remove(this);
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
