package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Files as they appear in a folder (inotify through a WatchService; a listing after an overflow),
 * each turned into the keys it answers by {@code keys} (a notice: its file name; a receipt: the
 * message ids it acknowledges, read from its content) and timed by System.nanoTime.
 */
final class Arrivals implements AutoCloseable {

    private final Path folder;
    private final Function<Path, List<String>> keys;
    private final WatchService watch;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Set<Path> files = ConcurrentHashMap.newKeySet();

    Arrivals(Path folder, Function<Path, List<String>> keys) throws IOException {
        this.folder = folder;
        this.keys = keys;
        this.watch = FileSystems.getDefault().newWatchService();
        folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        Thread thread = new Thread(this::loop, "bench-arrivals-" + folder.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** Arrivals keyed by file name. */
    static Arrivals byName(Path folder) throws IOException {
        return new Arrivals(folder, p -> List.of(p.getFileName().toString()));
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                long now = System.nanoTime();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        try (Stream<Path> s = Files.list(folder)) {
                            s.forEach(p -> arrived(p, now));
                        } catch (IOException ignored) {
                            // the next event lists again
                        }
                    } else {
                        arrived(folder.resolve((Path) e.context()), now);
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private void arrived(Path file, long now) {
        if (file.getFileName().toString().startsWith(".") || !files.add(file)) {
            return; // a temporary file of an atomic write, or one already counted
        }
        for (String k : keys.apply(file)) {
            seen.putIfAbsent(k, now);
        }
    }

    /** Waits until every key has arrived; returns the time of the last arrival. */
    long awaitAll(Collection<String> expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long last = 0;
            boolean all = true;
            for (String k : expected) {
                Long t = seen.get(k);
                if (t == null) {
                    all = false;
                    break;
                }
                last = Math.max(last, t);
            }
            if (all) {
                return last;
            }
            Thread.sleep(5);
        }
        long missing = expected.stream().filter(k -> !seen.containsKey(k)).count();
        throw new IllegalStateException(missing + " of " + expected.size() + " did not reach " + folder + " within " + timeout);
    }

    long at(String key) {
        return seen.get(key);
    }

    int count() {
        return seen.size();
    }

    /** Deletes the files counted so far, as the legacy system would take them (not timed). */
    void deleteCounted() throws IOException {
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
