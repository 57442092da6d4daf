package org.jukibus.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a node JVM that was killed (SIGKILL, OOM killer): pg_ctl starts the
 * postmaster detached, so it outlives the JVM and keeps holding the data directory
 * ({@code postmaster.pid}). A restarted node stops it before it starts its own, or PostgreSQL
 * would refuse to start ("lock file postmaster.pid already exists").
 *
 * <p>Only a live process that is a {@code postgres} running on this data directory is stopped;
 * a pid file naming a dead process (or a pid reused by something else) is left to PostgreSQL,
 * which handles stale pid files itself. The caller must hold the store's lock, which proves that
 * no live node still owns the server.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
    /** How long the postmaster gets for a clean shutdown (SIGTERM) before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private OrphanedPostmaster() {
    }

    /** Stops the postmaster {@code pgdata/postmaster.pid} names if it is still running; true if there was one. */
    static boolean stopIfRunning(Path pgdata) throws IOException {
        Optional<ProcessHandle> orphan = find(pgdata);
        if (orphan.isEmpty()) {
            return false;
        }
        ProcessHandle postmaster = orphan.get();
        // its workers (checkpointer, walwriter, backends) hold the shared memory PostgreSQL checks at start
        List<ProcessHandle> workers = postmaster.descendants().toList();
        log.warn("store: PostgreSQL (pid {}) is still running on {} from a node that did not stop cleanly; stopping it",
                postmaster.pid(), pgdata);
        postmaster.destroy(); // SIGTERM: a clean shutdown with a checkpoint
        if (!awaitExit(postmaster, GRACE)) {
            log.warn("store: PostgreSQL (pid {}) did not stop within {} s; killing it", postmaster.pid(), GRACE.toSeconds());
            postmaster.destroyForcibly();
            awaitExit(postmaster, GRACE);
        }
        for (ProcessHandle worker : workers) {
            if (!awaitExit(worker, GRACE)) {
                worker.destroyForcibly();
                awaitExit(worker, GRACE);
            }
        }
        if (postmaster.isAlive() || workers.stream().anyMatch(ProcessHandle::isAlive)) {
            throw new IllegalStateException("the store's PostgreSQL left running in " + pgdata + " (pid " + postmaster.pid()
                    + ") could not be stopped; stop it and start the node again");
        }
        log.info("store: stopped the PostgreSQL left running on {}", pgdata);
        return true;
    }

    /** The live postmaster of this data directory, if its pid file names one. */
    static Optional<ProcessHandle> find(Path pgdata) throws IOException {
        Path pidFile = pgdata.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty(); // half-written: PostgreSQL's business
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> isPostmasterOf(p, pgdata));
    }

    /** A {@code postgres} process whose arguments name this data directory (when the arguments can be read at all). */
    static boolean isPostmasterOf(ProcessHandle process, Path pgdata) {
        if (process.pid() == ProcessHandle.current().pid()) {
            return false;
        }
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres"))
                .orElseGet(() -> info.commandLine().map(c -> c.contains("postgres")).orElse(false));
        if (!postgres) {
            return false;
        }
        String dir = pgdata.toAbsolutePath().normalize().toString();
        return info.arguments().map(args -> List.of(args).contains(dir)).orElse(true);
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
