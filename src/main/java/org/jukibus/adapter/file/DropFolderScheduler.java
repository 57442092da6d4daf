package org.jukibus.adapter.file;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * consumer's {@code delay} becomes the longest wait between two looks (for file systems whose
 * writes inotify does not see, such as a network share written from another machine); a file
 * created in the folder wakes the consumer at once through {@link DropFolderWatch}. The wake-up
 * runs on the consumer's own scheduler thread, so two looks at one folder never overlap, and
 * wake-ups that arrive while one is waiting to run are merged into it.
 *
 * <p>Used by the legacy drop-folder routes as {@code scheduler=#dropFolderScheduler}, a prototype bean (one
 * instance per folder); nine folders polled every 20 ms kept an idle node busy. It also puts the folder under
 * {@link WaitingFiles}: a file that waits for the node stays in the folder ({@link WaitingFileStrategy}).
 */
public final class DropFolderScheduler extends DefaultScheduledPollConsumerScheduler {

    private static final Logger log = LoggerFactory.getLogger(DropFolderScheduler.class);

    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final WaitingFiles waiting;
    private Runnable poll;
    private Path folder;
    private DropFolderWatch watch;
    private WatchKey key;

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
        this.poll = task;
        super.scheduleTask(task);
    }

    @Override
    public void startScheduler() {
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
            watch = DropFolderWatch.shared();
            key = watch.watch(folder, this::wake);
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

    private void unwatch() {
        if (key != null) {
            watch.unwatch(key);
            key = null;
        }
    }
}
