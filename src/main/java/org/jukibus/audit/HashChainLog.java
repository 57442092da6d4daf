package org.jukibus.audit;

import org.jukibus.core.PeriodicJob;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.SecureFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's operation log on disk: a hash chain of {@link AuditEntry} lines in {@link LogFiles}, sealed with
 * the node's key.
 *
 * <p>Appends are serialised (one chain) and durable before {@link #record} returns; callers running at the
 * same time share one fsync (group commit, as in {@code flow.SeenMessages}): each returns once a sync that
 * began after its own write has completed. The files are written with {@link FileOutputStream} rather than
 * a {@code FileChannel}, whose every operation closes the file when the calling thread is interrupted (Camel
 * interrupts its consumers when it stops).
 *
 * <p>A restart continues the chain from the last entry on disk. A last line without its line end was cut off
 * by a crash before it was synced, so before it was ever acknowledged: it is cut off, and a
 * {@link AuditKind#LOG_RECOVERED} entry says so. A last line that is complete but is not an entry stops
 * the node: it does not continue a chain it cannot read.
 *
 * <p>Sealing ({@link #seal()}, every {@code jukibus.audit.seal-interval} and at {@link #close()}): an
 * {@link AuditKind#SEAL} entry signed by the node key over the chain head, also copied to {@code head.json}.
 * Whoever rewrites the log from some entry on must recompute every later hash, and then cannot make a seal
 * after that entry verify without the node key.
 *
 * <p>After a write or sync fails, every further {@link #record} throws: entries must not follow a line
 * that may be torn, and a node that cannot log must not work unlogged.
 */
public final class HashChainLog implements OperationLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HashChainLog.class);
    /** How much of the end of the last file is read at start-up to find the last entry. */
    private static final int TAIL_BYTES = 2 * LogFiles.MAX_LINE;

    private final Path dir;
    private final Clock clock;
    private final String nodeActor;
    private final PrivateKey key;
    private final String signer;
    private final long maxFileBytes;

    // the chain and the current file, guarded by this
    private long seq;
    /** The time of the last entry found on disk at open, null for a new log. */
    private Instant lastTime;
    private String head;
    private long unsealed;
    private FileOutputStream out;
    private LocalDate day;
    private long size;
    private final List<FileOutputStream> retired = new ArrayList<>();
    private long written;
    private IOException failure;
    private boolean closed;

    // group commit
    private final Object syncLock = new Object();
    private long synced;

    private final Object sealLock = new Object();
    private PeriodicJob sealer;

    private HashChainLog(Path dir, Clock clock, String nodeActor, KeyMaterial keys, long maxFileBytes) {
        this.dir = dir;
        this.clock = clock;
        this.nodeActor = nodeActor;
        this.key = keys.privateKey();
        try {
            this.signer = Sha256.hex(keys.certificate().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the node certificate", e);
        }
        this.maxFileBytes = maxFileBytes;
        this.head = AuditEntry.GENESIS;
    }

    /**
     * Opens (or starts) the log in {@code dir}, continuing its chain.
     *
     * @param nodeActor   the actor of entries the node makes itself, e.g. {@code node:131041}
     * @param keys        the node's key (seals) and certificate (named in each seal by its SHA-256)
     * @param maxFileBytes a file that would grow past this starts a new one (besides one per UTC day)
     */
    public static HashChainLog open(Path dir, Clock clock, String nodeActor, KeyMaterial keys, long maxFileBytes)
            throws IOException {
        return open(dir, clock, nodeActor, keys, maxFileBytes, null);
    }

    /**
     * {@link #open(Path, Clock, String, KeyMaterial, long)}, refusing (before anything is written) a clock that is
     * behind the log's last entry by more than {@code clockCheck} allows; null: no check (the tools that read a log).
     */
    public static HashChainLog open(Path dir, Clock clock, String nodeActor, KeyMaterial keys, long maxFileBytes,
                                    ClockAtStart clockCheck) throws IOException {
        if (maxFileBytes < LogFiles.MAX_LINE) {
            throw new IllegalArgumentException("the operation log's file size limit must be at least " + LogFiles.MAX_LINE + " bytes");
        }
        Files.createDirectories(dir);
        HashChainLog chain = new HashChainLog(dir, clock, nodeActor, keys, maxFileBytes);
        String recovered = chain.resume();
        String clockAccepted = null;
        if (clockCheck != null) {
            try {
                clockAccepted = clockCheck.check(chain.lastTime, clock.instant(), dir.toString());
            } catch (ClockAtStart.ClockBehindException e) {
                if (chain.out != null) {
                    closeQuietly(chain.out); // not close(): its seal would write an entry at the wrong time
                }
                throw e;
            }
        }
        if (recovered != null) {
            chain.record(AuditEvent.of(AuditKind.LOG_RECOVERED).detail(recovered));
        }
        if (clockAccepted != null) {
            chain.record(AuditEvent.of(AuditKind.CLOCK_BEHIND_ACCEPTED).detail(clockAccepted));
        }
        return chain;
    }

    /** Finds the last entry on disk; returns what was cut off, if anything. */
    private String resume() throws IOException {
        List<Path> files = LogFiles.list(dir);
        StringBuilder cut = new StringBuilder();
        for (int i = files.size() - 1; i >= 0; i--) {
            Path file = files.get(i);
            String last = lastLine(file, cut);
            if (last == null) {
                // empty (a crash right after the file was created, or it held only a torn line): no entry in it
                Files.delete(file);
                continue;
            }
            AuditEntry entry;
            try {
                entry = AuditEntry.parse(last);
            } catch (IllegalArgumentException e) {
                throw new IOException("the operation log " + file + " ends with a line that is not a log entry ("
                        + e.getMessage() + "): it was damaged or edited. Check it with 'jukibus audit verify --log " + dir
                        + "'; the node does not continue a chain it cannot read");
            }
            seq = entry.seq();
            head = entry.hash();
            lastTime = entry.time();
            unsealed = entry.kind() == AuditKind.SEAL ? 0 : 1;
            if (i == files.size() - 1) {
                out = new FileOutputStream(file.toFile(), true);
                day = LogFiles.day(file);
                size = Files.size(file);
            }
            break;
        }
        return cut.isEmpty() ? null : cut.toString();
    }

    /** The last complete line of a file, after cutting off a torn one (noted in {@code cut}); null if there is none. */
    private static String lastLine(Path file, StringBuilder cut) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long length = raf.length();
            int n = (int) Math.min(length, TAIL_BYTES);
            byte[] tail = new byte[n];
            raf.seek(length - n);
            raf.readFully(tail);
            int end = n; // exclusive end of the complete part
            while (end > 0 && tail[end - 1] != '\n') {
                end--;
            }
            if (end == 0 && length > n) {
                throw new IOException("the operation log " + file + " ends with a line longer than " + TAIL_BYTES
                        + " bytes: it is not a log entry. Check it with 'jukibus audit verify --log " + file.getParent() + "'");
            }
            if (end < n) {
                byte[] torn = Arrays.copyOfRange(tail, end, n);
                raf.setLength(length - (n - end));
                raf.getFD().sync();
                cut.append("cut off an incomplete last line of ").append(torn.length).append(" bytes (sha256 ")
                        .append(Sha256.hex(torn)).append(") from ").append(file.getFileName())
                        .append(": an entry a crash interrupted before it was acknowledged. ");
                log.warn("operation log {}: {}", file, cut);
            }
            if (end == 0) {
                return null;
            }
            int start = end - 1;
            while (start > 0 && tail[start - 1] != '\n') {
                start--;
            }
            if (start == 0 && length > n) {
                throw new IOException("the operation log " + file + " ends with a line longer than " + TAIL_BYTES
                        + " bytes: it is not a log entry. Check it with 'jukibus audit verify --log " + file.getParent() + "'");
            }
            return new String(tail, start, end - 1 - start, StandardCharsets.UTF_8);
        }
    }

    /** Seals every {@code interval} (from now) on a thread of its own; nothing is sealed twice. */
    public synchronized void sealEvery(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("jukibus.audit.seal-interval must be positive");
        }
        if (sealer != null) {
            throw new IllegalStateException("already sealing");
        }
        sealer = PeriodicJob.start("jukibus-audit-seal (" + nodeActor + ")", interval, interval, this::seal);
    }

    @Override
    public synchronized String failure() {
        return failure == null ? null : "the operation log in " + dir + " stopped after a failed write: " + failure.getMessage()
                + " (restart the node once the cause, e.g. a full disk, is fixed)";
    }

    @Override
    public void record(AuditEvent event) {
        try {
            Appended a = append(event);
            awaitSynced(a.ticket());
        } catch (IOException e) {
            throw new OperationLogUnwritable("the operation log in " + dir + " cannot be written: " + e.getMessage(), e);
        }
    }

    /** Appends every event, then waits for one sync covering them all. */
    @Override
    public void recordAll(List<AuditEvent> events) {
        try {
            long last = 0;
            for (AuditEvent event : events) {
                last = append(event).ticket();
            }
            if (last > 0) {
                awaitSynced(last);
            }
        } catch (IOException e) {
            throw new OperationLogUnwritable("the operation log in " + dir + " cannot be written: " + e.getMessage(), e);
        }
    }

    /**
     * Appends a seal over the current head, unless nothing was appended since the last one, and copies it to
     * {@code head.json} once it is durable.
     */
    public void seal() {
        synchronized (sealLock) {
            try {
                Appended a;
                synchronized (this) {
                    if (unsealed == 0) {
                        return;
                    }
                    a = append(null);
                }
                awaitSynced(a.ticket());
                SecureFiles.writePublic(dir.resolve(LogFiles.HEAD), (a.entry().toLine() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new OperationLogUnwritable("the operation log in " + dir + " cannot be sealed: " + e.getMessage(), e);
            }
        }
    }

    /** Every entry of the log in {@code dir}, in order, as written (not verified: see {@link AuditVerifier}). */
    public static List<AuditEntry> entries(Path dir) throws IOException {
        List<AuditEntry> out = new ArrayList<>();
        for (Path f : LogFiles.list(dir)) {
            LogFiles.read(f, line -> {
                try {
                    out.add(AuditEntry.parse(line.text()));
                } catch (IllegalArgumentException e) {
                    throw new IOException(line.where() + ": not a log entry (" + e.getMessage() + ")", e);
                }
            });
        }
        return out;
    }

    /** The sequence number of the last entry (0 before the first). */
    public synchronized long lastSeq() {
        return seq;
    }

    public Path directory() {
        return dir;
    }

    private record Appended(AuditEntry entry, long ticket) {
    }

    /** Appends the event (a seal for null) to the chain; the ticket is what {@link #awaitSynced} waits for. */
    private synchronized Appended append(AuditEvent event) throws IOException {
        if (closed) {
            throw new IOException("the operation log is closed");
        }
        if (failure != null) {
            throw new IOException("the operation log stopped after an earlier failure: " + failure.getMessage(), failure);
        }
        Instant now = clock.instant();
        AuditEntry entry = event == null ? AuditEntry.seal(seq + 1, now, nodeActor, head, key, signer)
                : AuditEntry.of(seq + 1, now, event, nodeActor, head);
        byte[] line = (entry.toLine() + "\n").getBytes(StandardCharsets.UTF_8);
        if (line.length > LogFiles.MAX_LINE) {
            // this entry's fault, not the disk's: no outage (flow.DeliveryFailures), nothing written, the log goes on
            throw new IllegalArgumentException("an entry of " + line.length + " bytes is over the limit of " + LogFiles.MAX_LINE);
        }
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        try {
            if (out == null || !today.equals(day) || (size > 0 && size + line.length > maxFileBytes)) {
                startFile(today, entry.seq());
            }
            out.write(line);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        size += line.length;
        seq = entry.seq();
        head = entry.hash();
        unsealed = entry.kind() == AuditKind.SEAL ? 0 : unsealed + 1;
        return new Appended(entry, ++written);
    }

    /** Starts the next file; the one before is synced now, so a sync of the new one covers every earlier entry. */
    private void startFile(LocalDate today, long firstSeq) throws IOException {
        if (out != null) {
            out.getFD().sync();
            retired.add(out);
        }
        Path file = dir.resolve(LogFiles.name(today, firstSeq));
        SecureFiles.requireAbsent(file);
        out = new FileOutputStream(file.toFile(), true);
        day = today;
        size = 0;
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the new file's name survives a power cut
        } catch (IOException e) {
            log.debug("cannot sync directory {}: {}", dir, e.getMessage());
        }
    }

    private void awaitSynced(long ticket) throws IOException {
        synchronized (syncLock) {
            if (synced >= ticket) {
                return; // a sync that began after our write has completed
            }
            long upTo;
            FileOutputStream current;
            List<FileOutputStream> done;
            synchronized (this) {
                upTo = written;
                current = out;
                done = new ArrayList<>(retired);
                retired.clear();
            }
            if (current == null) {
                synced = upTo; // closed: close() synced every entry
                return;
            }
            try {
                current.getFD().sync();
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                }
                throw e;
            }
            synced = upTo;
            for (FileOutputStream f : done) {
                closeQuietly(f);
            }
        }
    }

    /** Stops sealing, seals what is unsealed and closes the files. */
    @Override
    public void close() {
        PeriodicJob s;
        synchronized (this) {
            if (closed) {
                return;
            }
            s = sealer;
            sealer = null;
        }
        if (s != null) {
            try {
                s.finish(Duration.ofSeconds(10)); // no interrupt: a seal in progress finishes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            seal();
        } catch (RuntimeException e) {
            log.error("operation log: the final seal failed: {}", e.getMessage());
        }
        synchronized (this) {
            closed = true;
            for (FileOutputStream f : retired) {
                closeQuietly(f);
            }
            retired.clear();
            if (out != null) {
                try {
                    out.getFD().sync();
                } catch (IOException e) {
                    log.error("operation log: final sync failed: {}", e.getMessage());
                }
                closeQuietly(out);
                out = null;
            }
        }
    }

    private static void closeQuietly(FileOutputStream f) {
        try {
            f.close();
        } catch (IOException e) {
            log.debug("closing an operation log file failed: {}", e.getMessage());
        }
    }
}
