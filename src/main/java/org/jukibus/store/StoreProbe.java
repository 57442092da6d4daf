package org.jukibus.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

/**
 * Asks the store a trivial query, bounded in time, on one of the node's own pool connections: whether it answers
 * promptly, and the statement and lock timeouts its sessions run with (what PostgreSQL itself says, however they were
 * set: the node's default, the operator's {@code options} in {@code jukibus.store.url}). flow.SlowStatements asks it
 * after a statement timed out, to tell a store slow for everyone (no prompt answer: it is an outage) from one
 * message's statement slow on its own (the store answers: the timeout is that message's).
 * <p>
 * The query runs on a thread of its own, so that a pool that has no connection to give (all of them held by statements
 * stuck on the store) or a server that does not answer cannot hold the caller longer than the bound; a probe not
 * answered in time is cancelled.
 */
public final class StoreProbe implements AutoCloseable {

    /** The store's answer: {@code prompt} false if it did not answer within the bound (the timeouts are then null). */
    public record Answer(boolean prompt, String statementTimeout, String lockTimeout) {
        /** No answer within the bound. */
        public static final Answer NONE = new Answer(false, null, null);
    }

    private final DataSource dataSource;
    private final Duration bound;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jukibus-store-probe");
        t.setDaemon(true);
        return t;
    });

    /** @param bound how long the store may take to answer (connection and query) for its answer to count as prompt */
    public StoreProbe(DataSource dataSource, Duration bound) {
        this.dataSource = dataSource;
        this.bound = bound;
    }

    public Answer ask() {
        Future<Answer> asked = thread.submit(this::query);
        try {
            return asked.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // not left queued or running: probes asked during a long outage must not pile up behind a connection wait
            asked.cancel(true);
            return Answer.NONE;
        } catch (ExecutionException e) {
            return Answer.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.NONE;
        }
    }

    /** Stops the probe's thread (the node's shutdown). */
    @Override
    public void close() {
        thread.shutdownNow();
    }

    private Answer query() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, bound.toSeconds()));
            try (ResultSet r = s.executeQuery("select current_setting('statement_timeout'), current_setting('lock_timeout')")) {
                r.next();
                return new Answer(true, r.getString(1), r.getString(2));
            }
        }
    }
}
