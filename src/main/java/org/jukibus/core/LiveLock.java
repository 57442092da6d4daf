package org.jukibus.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The lock that makes one server of a primary/backup pair the live one: a file lock on {@code live.lock} in the
 * node's home, which both servers share (shared storage with working POSIX locks, as Artemis's own shared-store
 * HA needs). The server holding it runs the node; the other waits for it, and gets it the moment the live
 * process dies (the operating system releases a dead process's locks), killed or not.
 *
 * <p>The whole node waits, not only its broker: the broker journal, the operation log, the seen-message
 * records and the legacy folders each take exactly one writer, so Artemis's own shared-store backup (a broker
 * waiting inside a node that already runs the rest) would not do.
 */
public final class LiveLock {

    /** The lock file in the node's home. */
    public static final String FILE = "live.lock";

    /** Locks held by this process: referenced so they live as long as it does (a collected channel would release its lock). */
    private static final java.util.List<FileLock> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LiveLock() {
    }

    /**
     * Blocks until this process holds the live lock of {@code home}; returns how long it waited. Says so on
     * {@code out} (the node's logging is not set up yet: it starts once this returns).
     */
    public static Duration await(Path home, String code, HaMode mode, Duration poll, java.io.PrintStream out)
            throws IOException, InterruptedException {
        Files.createDirectories(home);
        FileChannel channel = FileChannel.open(home.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long start = System.nanoTime();
        FileLock lock = channel.tryLock();
        if (lock == null) {
            out.printf("jukibus node: %s server of node %s on standby: the other server of the pair is live (it holds %s); "
                    + "taking over when it stops%n", mode.name().toLowerCase(), code, home.resolve(FILE));
            while ((lock = channel.tryLock()) == null) {
                Thread.sleep(poll.toMillis());
            }
        }
        HELD.add(lock);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        out.printf("jukibus node: %s server of node %s is live (waited %d ms for the lock); starting the node%n",
                mode.name().toLowerCase(), code, waited.toMillis());
        return waited;
    }
}
