package org.jukibus.adapter.file;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.apache.camel.Consumer;
import org.apache.camel.component.file.GenericFileConsumer;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileProcessStrategy;
import org.apache.camel.support.DefaultScheduledPollConsumerScheduler;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a drop folder when a file arrives in it, not on a tight timer (送信フォルダ). The file
 * consumer's {@code delay} becomes the longest wait between two looks at an empty folder (the safety
 * look, for file systems whose writes inotify does not see, such as a network share written from
 * another machine); a file created in the folder wakes the consumer at once through
 * {@link DropFolderWatch}. A look after which the folder still holds a file it would take (one in
 * flight, one waiting for the node during an outage, one another thread held) is followed by another
 * {@link #BUSY_LOOK_MILLIS} later, as often as the folder was read before: no file waits for the
 * safety look once it has been seen. Wake-ups run on the consumer's own scheduler thread, so two looks
 * at one folder never overlap, and wake-ups that arrive while one is waiting to run are merged into it.
 *
 * <p>Used by the legacy drop-folder routes as {@code scheduler=#dropFolderScheduler}, a prototype bean (one
 * instance per folder); nine folders polled every 20 ms kept an idle node busy, and nine looked at every second
 * still cost an idle node's JIT and listings (issue 19 item 5, bench/README.md). It also puts the folder under
 * {@link WaitingFiles}: a file that waits for the node stays in the folder ({@link WaitingFileStrategy}).
 */
public final class DropFolderScheduler extends DefaultScheduledPollConsumerScheduler {

    private static final Logger log = LoggerFactory.getLogger(DropFolderScheduler.class);

    /**
     * How soon a folder that still holds a file to take after a look is looked at again (at most the consumer's
     * {@code delay}): the cadence every look had before the safety look became long, so a file that is left
     * (an outage's, one in flight) is taken as soon as before; {@link WaitingFiles} paces its tries itself.
     */
    static final long BUSY_LOOK_MILLIS = 1000;

    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final AtomicBoolean busyLookQueued = new AtomicBoolean();
    private final WaitingFiles waiting;
    private Runnable poll;
    private Path folder;
    /** The files the consumer takes (its {@code include}); null: every file. */
    private Pattern include;
    private DropFolderWatch watch;
    private WatchKey key;
    /** Between the reader's start and its stop: a watch that ended is renewed ({@link #watchAgainIfGone}). */
    private boolean watching;

    public DropFolderScheduler(WaitingFiles waiting) {
        this.waiting = waiting;
    }

    @Override
    public void onInit(Consumer consumer) {
        // a scheduler of our own gets none of the consumer's timing options: take them over
        if (consumer instanceof ScheduledPollConsumer polling) {
            setDelay(polling.getDelay());
            setInitialDelay(polling.getInitialDelay());
            setTimeUnit(polling.getTimeUnit());
            setUseFixedDelay(polling.isUseFixedDelay());
        }
        if (consumer.getEndpoint() instanceof GenericFileEndpoint<?> files) {
            folder = Path.of(files.getConfiguration().getDirectory());
            include = files.getIncludePattern();
        }
        if (consumer instanceof GenericFileConsumer<?> files && folder != null) {
            leaveWaitingFiles(files);
            waiting.watch(folder);
        }
        super.onInit(consumer);
    }

    /**
     * Puts {@link WaitingFileStrategy} around the file strategy Camel made for the consumer from the route's options. The
     * consumer keeps it in a field with no setter, and a strategy given as a route option would replace Camel's (its
     * move, moveFailed and read lock) instead of wrapping it; so the field is set here, once per consumer (this runs at
     * every start of the route). A Camel without that field fails the node's start, not its first outage.
     */
    @SuppressWarnings("unchecked")
    private void leaveWaitingFiles(GenericFileConsumer<?> consumer) {
        try {
            Field field = GenericFileConsumer.class.getDeclaredField("processStrategy");
            field.setAccessible(true);
            Object strategy = field.get(consumer);
            if (!(strategy instanceof WaitingFileStrategy)) {
                field.set(consumer, new WaitingFileStrategy((GenericFileProcessStrategy<File>) strategy, waiting, folder));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(folder + ": its files could not be made to wait for the node during an outage ("
                    + e + "); this Camel version's file consumer is not the one jukibus was built for", e);
        }
    }

    @Override
    public void scheduleTask(Runnable task) {
        Runnable look = () -> {
            task.run();
            try {
                watchAgainIfGone();
                lookAgainIfBusy();
            } catch (Throwable e) {
                // as Camel's own look does: an Error here must not end the fixed-delay safety look
                log.warn("{}: after a look: {}", folder, e.toString());
            }
        };
        this.poll = look;
        super.scheduleTask(look);
    }

    /**
     * After a look: while the folder still holds a file the consumer would take, one more look {@link #BUSY_LOOK_MILLIS}
     * later (a file in flight is gone by then; one waiting for the node is offered to {@link WaitingFiles} again; one
     * another thread held is taken). Without this a file that is not taken at its first look would wait for the safety
     * look, and an outage's files for as long after it passed.
     */
    private void lookAgainIfBusy() {
        ScheduledExecutorService executor = getScheduledExecutorService();
        if (folder == null || executor == null || busyLookQueued.get() || !holdsFileToTake()) {
            return;
        }
        if (!busyLookQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(() -> {
                busyLookQueued.set(false);
                wake();
            }, Math.min(BUSY_LOOK_MILLIS, getTimeUnit().toMillis(getDelay())), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            busyLookQueued.set(false); // stopping: the consumer reads nothing more
        }
    }

    /**
     * Whether the folder holds a regular file the consumer would take (its include pattern; not a hidden one or a
     * Camel lock, which Camel never takes); true when it cannot tell.
     */
    private boolean holdsFileToTake() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || name.endsWith(".camelLock")) {
                    continue;
                }
                if ((include == null || include.matcher(name).matches()) && Files.isRegularFile(entry)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // a folder that cannot be listed now is looked at as often as before
        }
    }

    /**
     * A folder whose watch ended while its reader ran (removed, or replaced by a new one of the same name: a legacy
     * system that recreates its folder) is watched again once it exists, at the next look.
     */
    private synchronized void watchAgainIfGone() {
        if (!watching || key == null || key.isValid() || !Files.isDirectory(folder)) {
            return;
        }
        try {
            key = watch.watch(folder, this::wake);
            log.info("{} is watched again", folder);
        } catch (IOException | RuntimeException e) {
            log.debug("{} is not watched yet: {}", folder, e.toString());
        }
    }

    @Override
    public void startScheduler() {
        // a wake or busy look queued when the route last stopped was dropped with its executor: not queued any more
        wakeQueued.set(false);
        busyLookQueued.set(false);
        if (folder != null) {
            try {
                StrandedClaims.giveBack(folder);
            } catch (IOException | RuntimeException e) {
                // the folder is read all the same; what stays claimed is named at the next start
                log.error("{}: files a killed node had claimed could not be given back: {}", folder, e.toString());
            }
        }
        super.startScheduler();
        if (folder == null) {
            return;
        }
        waiting.readerStarted(folder);
        try {
            synchronized (this) {
                watch = DropFolderWatch.shared();
                key = watch.watch(folder, this::wake);
                watching = true;
            }
        } catch (IOException | RuntimeException e) {
            log.warn("{} is not watched ({}); it is read every {} ms", folder, e.toString(), getDelay());
        }
    }

    /** Runs one look at the folder on the scheduler's thread, unless one is already waiting to run. */
    private void wake() {
        ScheduledExecutorService executor = getScheduledExecutorService();
        if (poll == null || executor == null || !wakeQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                wakeQueued.set(false);
                poll.run();
            });
        } catch (RejectedExecutionException e) {
            wakeQueued.set(false); // stopping: the consumer reads nothing more
        }
    }

    @Override
    public void unscheduleTask() {
        unwatch();
        super.unscheduleTask();
    }

    @Override
    protected void doStop() throws Exception {
        unwatch();
        super.doStop();
    }

    private synchronized void unwatch() {
        watching = false;
        if (key != null) {
            watch.unwatch(key);
            key = null;
        }
    }
}
