package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inotify watch (through a {@link WatchService}) for every drop folder in this JVM: a file created
 * or moved into a watched folder runs that folder's wake-up. One service and one thread serve all
 * folders of all nodes in the JVM, so watching costs no thread per folder.
 */
final class DropFolderWatch {

    private static final Logger log = LoggerFactory.getLogger(DropFolderWatch.class);

    private static DropFolderWatch shared;

    private final WatchService service;
    private final Map<WatchKey, Runnable> wakeUps = new ConcurrentHashMap<>();

    private DropFolderWatch(WatchService service) {
        this.service = service;
        Thread thread = new Thread(this::run, "jukibus-drop-folder-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The JVM's watch, started on first use. */
    static synchronized DropFolderWatch shared() throws IOException {
        if (shared == null) {
            shared = new DropFolderWatch(FileSystems.getDefault().newWatchService());
        }
        return shared;
    }

    /** Runs {@code wakeUp} whenever something appears in {@code folder}, until the returned key is cancelled. */
    WatchKey watch(Path folder, Runnable wakeUp) throws IOException {
        WatchKey key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        wakeUps.put(key, wakeUp);
        return key;
    }

    void unwatch(WatchKey key) {
        wakeUps.remove(key); // first: a cancelled key is no folder that stopped being watched (run's WARN)
        key.cancel();
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            // the events themselves do not matter (an overflow included): the folder is listed anyway
            key.pollEvents();
            Runnable wakeUp = wakeUps.get(key);
            if (wakeUp != null) {
                try {
                    wakeUp.run();
                } catch (RuntimeException e) {
                    log.warn("waking the reader of {} failed: {}", key.watchable(), e.toString());
                }
            }
            if (!key.reset() && wakeUps.remove(key) != null) {
                // the folder was removed or replaced (or the file system under it unmounted, an automounted share
                // included): nothing wakes its reader until its next look finds the folder and watches it again
                log.warn("{} is no longer watched (removed, replaced or unmounted); it is read at its safety look"
                        + " (jukibus.legacy.poll-delay) and watched again once it exists", key.watchable());
            }
        }
    }
}
