package org.jukibus.clock;

import org.jukibus.core.PeriodicJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.format.DateTimeParseException;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live source of a node's clock offset: {@code <node home>/state/clock-offset}, one ISO-8601
 * duration (e.g. {@code P8D}). Watched once a second (one stat; the file is read only when its
 * modification time changed), so an operator moves the clock of a running node by writing the file
 * ({@code jukibus clock set}). A move is logged as a WARN and in the operation log; a file that does
 * not parse is logged and ignored (the clock stays where it was). Without the file, the clock keeps
 * the offset of the node's configuration ({@code jukibus.clock.offset}).
 */
public final class ClockOffsetFile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClockOffsetFile.class);

    private final Path file;
    private final NodeClock clock;
    private final OperationLog audit;
    private PeriodicJob watcher;
    private FileTime seen;

    private ClockOffsetFile(Path file, NodeClock clock, OperationLog audit) {
        this.file = file;
        this.clock = clock;
        this.audit = audit;
    }

    /** The file of a node home. */
    public static Path of(Path nodeHome) {
        return nodeHome.resolve("state").resolve("clock-offset");
    }

    /**
     * The offset the file holds, or the configured one when there is no file: read when the node
     * starts, before anything reads the clock.
     */
    public static Duration startOffset(Path nodeHome, Duration configured) {
        try {
            return read(of(nodeHome));
        } catch (NoSuchFileException e) {
            return configured;
        } catch (IOException | DateTimeParseException e) {
            throw new IllegalStateException(of(nodeHome) + " does not hold an ISO-8601 duration (e.g. P8D): " + e.getMessage(), e);
        }
    }

    /** Starts watching the node's file. */
    public static ClockOffsetFile watch(Path nodeHome, NodeClock clock, OperationLog audit) {
        ClockOffsetFile watch = new ClockOffsetFile(of(nodeHome), clock, audit);
        watch.seen = watch.modified();
        watch.watcher = PeriodicJob.start("clock-offset-watch", Duration.ofSeconds(1), Duration.ofSeconds(1), watch::check);
        return watch;
    }

    /** Writes the offset for a node home, atomically (the watcher never sees half a file). */
    public static void write(Path nodeHome, Duration offset) throws IOException {
        Path target = of(nodeHome);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(".clock-offset.tmp");
        Files.writeString(tmp, offset.toString() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    synchronized void check() {
        FileTime now = modified();
        if (now == null || now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            Duration offset = read(file);
            Duration before = clock.moveTo(offset);
            if (!before.equals(offset)) {
                log.warn("the node's clock was moved: offset {} -> {} (from {}); now {}", before, offset, file, clock.instant());
                try {
                    audit.record(AuditEvent.of(AuditKind.CLOCK_MOVED)
                            .detail("clock offset " + before + " -> " + offset + " (from " + file.getFileName() + ")"));
                } catch (org.jukibus.audit.OperationLogUnwritable e) {
                    // the clock did move: saying the file held no duration sent the operator after the wrong thing
                    log.error("the node's clock was moved to offset {}, but the operation log could not record it: {}",
                            offset, e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) { // DateTimeParseException, ArithmeticException: not a duration
            log.error("{} does not hold an ISO-8601 duration (e.g. P8D), the clock stays at offset {}: {}",
                    file, clock.offset(), e.getMessage());
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null; // no file (yet): the clock stays where it is
        }
    }

    private static Duration read(Path file) throws IOException {
        return Duration.parse(Files.readString(file, StandardCharsets.UTF_8).trim());
    }

    @Override
    public void close() {
        watcher.close();
    }
}
