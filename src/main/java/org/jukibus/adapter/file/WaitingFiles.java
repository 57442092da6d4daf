package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drop folders whose files wait for the node (送信フォルダ). While the node is in an outage that a later try cures (its
 * store down, its operation log unwritable, its broker at the disk bound: flow.LegacyInputOutages decides), a file
 * dropped by the legacy system is neither refused nor moved: it stays where the legacy system put it and is taken once
 * the outage has passed. It used to go to {@code error/} with the reason, to be dropped again by hand; a legacy system
 * does not watch {@code error/}, so after a long weekend every municipality whose store had been down had silently
 * stopped sending.
 * <p>
 * A file that fails on an outage starts an episode of its folder: one WARN, and from then on the folder's reader
 * ({@link WaitingFileStrategy}) takes one file at a time every {@code retry}, the others stay untouched in the folder;
 * the first that goes through ends the episode (INFO) and the next look takes the rest. A file that fails for a reason
 * of its own (schema, recipient, duplicate) is refused into {@code error/} as ever, during an episode too.
 * <p>
 * Visible besides the log, per folder (the flow's name): {@code jukibus_drop_folder_files{folder}} (the files waiting in
 * it), {@code jukibus_drop_folder_oldest_age_seconds{folder}} (the oldest one's age, 0 when empty; the alert
 * {@code JukibusDropFolderWaiting}; counted on the node's monotonic time from when the node first listed the file, so a
 * node clock behind the file's time does not mute it, and a file found at the folder's first listing since the start
 * is credited the age its modification time gives) and {@code jukibus_drop_folder_outage{folder}} (1 during an episode). The files
 * and their age are read from the folder itself, so a reader that stopped (a route that died) shows as well; a flow
 * switched off at start has no reader, and no gauges.
 */
public final class WaitingFiles {

    /** Exchange property: why the input waits for the node (set by the legacy intake's error handling); absent: refused. */
    public static final String WAITS = "JukibusLegacyWaits";
    /** Exchange property: the file was taken as its folder's one try during an outage ({@link #mayTake}). */
    static final String TRIED = "JukibusLegacyTried";

    private static final Logger log = LoggerFactory.getLogger(WaitingFiles.class);
    /** How long a count of a folder's files serves the scrapes (one listing for both gauges). */
    private static final long BACKLOG_FRESH_NANOS = Duration.ofSeconds(5).toNanos();
    /**
     * How long a folder's one try during an outage may go without an end before the next file is tried all the same
     * ({@link #mayTake}): a try whose exchange never reached its end (a failure between Camel's begin and its
     * completion hook) stopped the folder until the node's restart (review-outage2 L1). Longer than the store's
     * statement timeout (50 min): the intake runs a file's try on its own threads, so a try still running on a slow
     * store is not given up and joined by more tries on the same store pool. Meanwhile the folder's files age and
     * {@code JukibusDropFolderWaiting} fires at 30 minutes. Should a given-up try end after all, it ends the folder's try
     * as any would (its stamp is not checked): at worst one more file is tried beside the new one.
     */
    static final Duration TRY_GIVEN_UP = Duration.ofHours(1);

    private final Clock clock;
    private final Duration retry;
    private final MeterRegistry registry;
    /** The node's monotonic time ({@link System#nanoTime}; a test's own). */
    private final LongSupplier nanos;
    private final Map<Path, Folder> folders = new ConcurrentHashMap<>();

    /** The files waiting in a folder: how many, and how long the oldest has waited (zero when none). */
    public record Backlog(int files, Duration oldestAge) {
    }

    private static final class Episode {
        final String cause;
        final Instant since;
        /** The files of the folder checked and found to wait in this episode (name, size, time): not taken again until a try. */
        final java.util.Set<String> known = ConcurrentHashMap.newKeySet();
        long tries;
        /** When the last try failed ({@link System#nanoTime}): the next one comes {@code retry} after it. */
        long lastTryNanos;

        Episode(String cause, Instant since) {
            this.cause = cause;
            this.since = since;
        }
    }

    private static final class Folder {
        final Path path;
        final String name;
        volatile Episode episode;
        /**
         * Since when ({@link #nanos}, never 0) a file of the folder is being tried during an episode, or 0: no other is
         * taken meanwhile, unless this one has gone {@link #TRY_GIVEN_UP} without an end.
         */
        final AtomicLong trying = new AtomicLong();
        /**
         * The folder's files by name, and since when ({@link #nanos}) the node has seen each: the waiting age. Kept for
         * the files of the last listing only.
         */
        final Map<String, Long> listedSince = new ConcurrentHashMap<>();
        /** Whether the folder has been listed since the start (files found then are credited their modification age). */
        volatile boolean listed;
        volatile Backlog backlog = new Backlog(0, Duration.ZERO);
        /** When {@link #backlog} was counted ({@link System#nanoTime}), or 0 before it ever was. */
        volatile long backlogAtNanos;

        Folder(Path path) {
            this.path = path;
            this.name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        }
    }

    /**
     * @param retry how long a folder in an outage waits after a failed try before it tries a file again
     *              ({@code jukibus.legacy.outage-retry})
     */
    public WaitingFiles(Clock clock, Duration retry, MeterRegistry registry) {
        this(clock, retry, registry, System::nanoTime);
    }

    WaitingFiles(Clock clock, Duration retry, MeterRegistry registry, LongSupplier nanos) {
        if (retry.isNegative()) {
            throw new IllegalArgumentException("jukibus.legacy.outage-retry must not be negative: " + retry);
        }
        this.clock = clock;
        this.retry = retry;
        this.registry = registry;
        this.nanos = nanos;
    }

    /** A drop folder with a reader, started or not: its gauges (registered once, whatever restarts its reader). */
    public void watch(Path folder) {
        folder(folder);
    }

    /**
     * The folder's reader starts: a try it had under way (a route stopped with the exchange in flight) will not end,
     * so the next may begin.
     */
    public void readerStarted(Path folder) {
        Folder f = folders.get(key(folder));
        if (f != null) {
            f.trying.set(0);
        }
    }

    /** Whether a folder's reader may take a file now ({@link #mayTake}). */
    public enum Take {
        /** no outage, or a file not seen since the outage began: taken (a new file is checked, and waits if it is good) */
        YES,
        /** the folder's one try during an outage: taken, and sent if the outage has passed */
        AS_TRY,
        /** a file known to wait: it stays untouched */
        NOT_NOW
    }

    /**
     * Whether the folder's reader may take file {@code name} (of {@code bytes}, modified at {@code modified}) now: always
     * while there is no outage. During one, a file not seen since it began is taken (to be checked: a bad file is
     * refused at once, a good one waits, {@link #check}); of the files known to wait, one at a time, one {@code retry}
     * after the last failed try. A file taken must end in {@link #taken}, {@link #waits} or {@link #released}.
     */
    public Take mayTake(Path folder, String name, long bytes, long modified) {
        Folder f = folders.get(key(folder));
        Episode episode = f == null ? null : f.episode;
        if (episode == null) {
            return Take.YES;
        }
        long now = nanos.getAsLong();
        boolean due;
        synchronized (f) {
            due = now - episode.lastTryNanos >= retry.toNanos();
        }
        long trying = f.trying.get();
        if (due && trying == 0 && f.trying.compareAndSet(0, stamp(now))) {
            return Take.AS_TRY;
        }
        if (due && trying != 0 && now - trying >= TRY_GIVEN_UP.toNanos() && f.trying.compareAndSet(trying, stamp(now))) {
            log.warn("drop folder {}: its last try has not ended in {} (lost, or hung on the store); {} is tried too",
                    f.name, TRY_GIVEN_UP, name);
            return Take.AS_TRY;
        }
        return episode.known.contains(fileKey(name, bytes, modified)) ? Take.NOT_NOW : Take.YES;
    }

    private static String fileKey(String name, long bytes, long modified) {
        return name + "/" + bytes + "/" + modified;
    }

    /**
     * The intake's step once a file is checked and before anything is sent or stored (flow.LegacyIntake): during its
     * folder's outage only the file tried (see {@link #mayTake}) goes on; the others wait at once, without each trying
     * the store or the broker after its own timeout. The file's folder is its {@code CamelFileParent}; an input that
     * is no file (the counter terminal's) always goes on.
     */
    public void check(Exchange exchange) throws FolderWaiting {
        String parent = exchange.getIn().getHeader(Exchange.FILE_PARENT, String.class);
        Folder f = parent == null ? null : folders.get(key(Path.of(parent)));
        Episode episode = f == null ? null : f.episode;
        if (episode != null && !Boolean.TRUE.equals(exchange.getProperty(TRIED))) {
            throw new FolderWaiting(f.name + " waits for the node: " + episode.cause);
        }
    }

    /**
     * A file taken could not be sent for {@code cause}, an outage: it stays in the folder, which waits. {@code tried}: it
     * was the folder's one try ({@link #mayTake}), which has ended. {@code mayStart}: false for a file only held back
     * by its folder's episode ({@link FolderWaiting}), which must not start a new one if that ended meanwhile.
     */
    public void waits(Path folder, String fileName, long bytes, long modified, String cause, boolean tried,
                      boolean mayStart) {
        Folder f = folder(folder);
        boolean started = false;
        long tries;
        synchronized (f) {
            Episode episode = f.episode;
            if (episode == null && !mayStart) {
                return; // held back by an episode that ended meanwhile: the next look takes it
            }
            if (episode == null) {
                episode = new Episode(cause, clock.instant());
                f.episode = episode;
                started = true;
            }
            episode.known.add(fileKey(fileName, bytes, modified));
            if (tried || started) {
                episode.tries++;
                episode.lastTryNanos = nanos.getAsLong();
            }
            tries = episode.tries;
        }
        if (tried) {
            f.trying.set(0);
        }
        if (started) {
            log.warn("drop folder {}: {} cannot be sent now ({}): it stays in the folder, as does every file dropped there, "
                    + "and is taken once the node can send again (tried every {}); logged once until then", f.name, fileName,
                    cause, retry);
        } else {
            log.debug("drop folder {}: {} still waits ({}, try {})", f.name, fileName, cause, tries);
        }
    }

    /** A file of the folder went through: an outage it was in has passed, and the next look takes the rest. */
    public void taken(Path folder) {
        Folder f = folders.get(key(folder));
        if (f == null) {
            return;
        }
        Episode ended;
        synchronized (f) {
            ended = f.episode;
            f.episode = null;
        }
        f.trying.set(0);
        if (ended != null) {
            log.info("drop folder {}: files are taken again; {} had held them for {} ({} tries)", f.name, ended.cause,
                    Duration.between(ended.since, clock.instant()).truncatedTo(ChronoUnit.SECONDS), ended.tries);
        }
    }

    /**
     * A file taken ended otherwise (refused for a fault of its own, or not read at all): if it was the folder's one try,
     * the next may be tried at once.
     */
    public void released(Path folder, boolean tried) {
        Folder f = folders.get(key(folder));
        if (f != null && tried) {
            f.trying.set(0);
        }
    }

    /** Whether the folder is in an outage episode now. */
    public boolean waiting(Path folder) {
        Folder f = folders.get(key(folder));
        return f != null && f.episode != null;
    }

    /** The files waiting in the folder now (its {@code *.xml}), read afresh at most every few seconds. */
    public Backlog backlog(Path folder) {
        return backlogOf(folder(folder));
    }

    private Backlog backlogOf(Folder f) {
        long now = nanos.getAsLong();
        if (f.backlogAtNanos != 0 && now - f.backlogAtNanos < BACKLOG_FRESH_NANOS) {
            return f.backlog;
        }
        int files = 0;
        long oldestSince = now;
        java.util.Set<String> names = new java.util.HashSet<>();
        boolean first = !f.listed;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(f.path, "*.xml")) {
            for (Path entry : entries) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (IOException gone) {
                    continue; // taken meanwhile
                }
                if (!attributes.isRegularFile() && !attributes.isSymbolicLink()) {
                    continue;
                }
                files++;
                String name = entry.getFileName().toString();
                names.add(name);
                long since = f.listedSince.computeIfAbsent(name, n -> first ? now - modifiedAgeNanos(attributes) : now);
                oldestSince = Math.min(oldestSince, since);
            }
            f.listedSince.keySet().retainAll(names); // taken meanwhile
            f.listed = true;
        } catch (IOException e) {
            log.debug("drop folder {} cannot be listed: {}", f.path, e.toString());
        }
        Backlog backlog = new Backlog(files, files == 0 ? Duration.ZERO : Duration.ofNanos(now - oldestSince));
        f.backlog = backlog;
        f.backlogAtNanos = now == 0 ? 1 : now;
        return backlog;
    }

    /**
     * A file found at the folder's first listing since the start: how long ago it was modified by the node clock (none
     * if that is behind), so that a restart does not make a weekend's wait look new. Any later file's age is counted
     * from its first listing only: with the node clock behind during an outage the modification age was 0 for every
     * file, and {@code JukibusDropFolderWaiting} stayed silent (analysis-merge11 L3).
     */
    private long modifiedAgeNanos(BasicFileAttributes attributes) {
        Instant modified = attributes.lastModifiedTime().toInstant();
        return Math.max(0, Duration.between(modified, clock.instant()).toNanos());
    }

    private double oldestAgeSeconds(Folder f) {
        return backlogOf(f).oldestAge().toMillis() / 1000.0;
    }

    private static long stamp(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }

    private Folder folder(Path folder) {
        return folders.computeIfAbsent(key(folder), path -> {
            Folder f = new Folder(path);
            Gauge.builder("jukibus.drop.folder.files", f, x -> backlogOf(x).files())
                    .description("Files waiting in the legacy drop folder (its *.xml)").tag("folder", f.name).register(registry);
            Gauge.builder("jukibus.drop.folder.oldest.age", f, this::oldestAgeSeconds).baseUnit("seconds")
                    .description("How long the oldest file in the legacy drop folder has waited (since the node first listed it); 0 when empty")
                    .tag("folder", f.name).register(registry);
            Gauge.builder("jukibus.drop.folder.outage", f, x -> x.episode == null ? 0 : 1)
                    .description("1 while the drop folder's files wait for an outage of the node to pass (store, operation log, broker disk)")
                    .tag("folder", f.name).register(registry);
            return f;
        });
    }

    private static Path key(Path folder) {
        return folder.toAbsolutePath().normalize();
    }

    /** The input of a folder in an outage, other than the one tried: it waits with the others. */
    public static final class FolderWaiting extends Exception {
        public FolderWaiting(String message) {
            super(message, null, false, false);
        }
    }
}
