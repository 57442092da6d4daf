package org.jukibus.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

import org.jukibus.adapter.file.AtomicFiles;
import org.jukibus.audit.Sha256;
import org.jukibus.envelope.EnvelopeHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 証跡 (evidence, for non-repudiation): every envelope this node delivered, kept exactly as it arrived (signed by its
 * sender, payload still encrypted to this node), with the digests of the CRL, signed directory and root CA in force
 * when it arrived ({@link TrustVersions}). The signed receipts of this node's own messages arrive as envelopes too and
 * are kept the same way; a receipt names the SHA-256 of the envelope it answers. {@link EvidenceVerifier} checks a kept
 * envelope again years later against the documents of its day.
 *
 * <p>Layout under {@code <home>/evidence/}: {@code <yyyy-MM-dd>/<sender>_<message id>.xml} (the envelope) and
 * {@code .properties} beside it ({@link KeptEnvelope}), by the UTC day it arrived; {@code trust/<sha256>.pem|.xml.gz}
 * ({@link TrustVersions}); {@code refs/<yyyy-MM-dd>}, the trust documents each day's envelopes need ({@link #REFS}).
 * Keyed by sender and id, so no peer can overwrite another's evidence by reusing an id. Kept for
 * {@code jukibus.evidence.retention} after arrival, then erased day by day ({@link #eraseAsOf}), with the trust
 * documents no kept envelope needs any more.
 */
public final class EvidenceStore implements org.jukibus.core.Erasable {

    public static final String FOLDER = "evidence";

    private static final Logger log = LoggerFactory.getLogger(EvidenceStore.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

    private final Path root;
    private final TrustVersions trust;
    private final Period retention;
    private final Clock clock;
    /**
     * Keeping holds the read side from reading the trust documents in force until its index is written; erasure takes
     * the write side to start and to forget documents, so a document a keep read while the trust in force changed is
     * either in an index the erasure scanned or in {@link #referencedSinceScan}: never forgotten under it.
     */
    private final ReadWriteLock keeping = new ReentrantReadWriteLock();
    private final Set<String> referencedSinceScan = ConcurrentHashMap.newKeySet();
    /**
     * The trust documents each unexpired day's envelopes need, read from its {@link #REFS} file at the first erasure
     * after start and added to by every keep since: the hourly erasure reads no index (five years of a busy node's
     * indexes, millions, were read back to back at the first erasure after every start). Only a handful of documents
     * a day, so it stays small.
     */
    private final ConcurrentHashMap<LocalDate, Set<String>> referencedByDay = new ConcurrentHashMap<>();
    /** Writes of the {@link #REFS} files: one at a time, and only when a day names a document it did not (rare). */
    private final Object refsWrites = new Object();

    /**
     * {@code refs/<yyyy-MM-dd>}: the trust documents the envelopes kept on that day need, one digest a line, written
     * (forced) before the first index that names a new one: a superset at worst, never missing one. A day kept by an
     * earlier version has none until its indexes are read once; the file is written then.
     */
    static final String REFS = "refs";

    EvidenceStore(Path root, TrustVersions trust, Period retention, Clock clock) {
        this.root = root;
        this.trust = trust;
        this.retention = retention;
        this.clock = clock;
    }

    public Period retention() {
        return retention;
    }

    @Override
    public String what() {
        return "evidence envelopes";
    }

    /**
     * Keeps a delivered envelope; called before the delivery commits (a crash before the commit redelivers it, and
     * the same files are written again). When it returns, both files are on disk under their names; an index always
     * has its envelope: both are forced under hidden names before either is renamed, the envelope is renamed into place
     * first and the folder forced once after the index's rename ({@link AtomicFiles#writeAll}). A power loss before that
     * force can undo renames; ext4 and XFS keep a folder's renames in their order (a journal commit holds the earlier
     * with the later), and whatever a file system does, the delivery is not yet recorded as seen (InboundDelivery records it
     * after this returns) nor committed, so its redelivery is delivered again and writes both again. Left open: on a
     * file system that reorders a folder's renames, a power loss before the force followed by a redelivery that is not
     * delivered (the node down past the envelope's window: refused for its time, dead-lettered) leaves an index whose
     * envelope is missing, which {@link #find} lists and the verifier fails on (NoSuchFileException): audit output only,
     * nothing delivered is lost; with one force per file, as before, it would have been an envelope without an index.
     */
    public KeptEnvelope keep(byte[] envelope, EnvelopeHeader header) throws IOException {
        keeping.readLock().lock();
        try {
            Instant at = clock.instant();
            TrustVersions.InForce inForce = trust.inForce();
            Set<String> documents = Set.of(inForce.crl(), inForce.directory(), inForce.rootCa());
            referencedSinceScan.addAll(documents);
            LocalDate date = at.atZone(ZoneOffset.UTC).toLocalDate();
            Path day = root.resolve(DAY.format(date));
            remember(date, day, documents); // before the index that names them
            String base = safe(header.sender()) + "_" + safe(header.messageId());
            KeptEnvelope kept = new KeptEnvelope(header.messageId(), header.sender(), header.recipient(), header.type(),
                    header.correlationId(), at, Sha256.hex(envelope), inForce.crl(), inForce.directory(), inForce.rootCa(),
                    day.resolve(base + KeptEnvelope.ENVELOPE_SUFFIX));
            // both forced under their hidden names, renamed envelope first, then the day folder forced once (three
            // syncs, not four: the folder's sync is a journal commit of the file system, issue 19)
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(kept.envelope().getFileName().toString(), envelope);
            files.put(base + KeptEnvelope.INDEX_SUFFIX, kept.index());
            AtomicFiles.writeAll(day, files);
            return kept;
        } finally {
            keeping.readLock().unlock();
        }
    }

    /** Every kept envelope with this message id (several if two senders used it), oldest first. */
    public List<KeptEnvelope> find(String messageId) throws IOException {
        return find(root, messageId);
    }

    /** The same, read from a node's evidence folder by the CLI (the node may be running or not). */
    public static List<KeptEnvelope> find(Path root, String messageId) throws IOException {
        String suffix = "_" + safe(messageId) + KeptEnvelope.INDEX_SUFFIX;
        List<KeptEnvelope> found = new ArrayList<>();
        for (Path day : days(root)) {
            try (Stream<Path> files = Files.list(day)) {
                for (Path index : files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                    found.add(KeptEnvelope.read(index));
                }
            }
        }
        return found;
    }

    /** The scheduled erasure, as of the node clock. */
    public int erase() throws IOException {
        return eraseAsOf(clock.instant());
    }

    /**
     * Erases every envelope that arrived more than the retention before {@code asOf} (a whole day folder once its last
     * possible arrival is past), and the trust documents only they needed. Returns how many envelopes went.
     */
    @Override
    public int eraseAsOf(Instant asOf) throws IOException {
        LocalDate lastExpiredDay = asOf.atZone(ZoneOffset.UTC).minus(retention).toLocalDate().minusDays(1);
        int erased = 0;
        Set<String> referenced = new HashSet<>();
        keeping.writeLock().lock(); // keeps under way finish first: their indexes are on disk for the scan
        try {
            referencedSinceScan.clear();
        } finally {
            keeping.writeLock().unlock();
        }
        for (Path day : days(root)) {
            LocalDate date = LocalDate.parse(day.getFileName().toString(), DAY);
            if (date.isAfter(lastExpiredDay)) {
                referenced.addAll(known(date, day));
                continue;
            }
            try (Stream<Path> files = Files.list(day)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                    erased += file.getFileName().toString().endsWith(KeptEnvelope.INDEX_SUFFIX) ? 1 : 0;
                }
            }
            Files.delete(day);
            Files.deleteIfExists(refsFile(date));
            referencedByDay.remove(date);
        }
        forgetRefsThrough(lastExpiredDay);
        int documents;
        keeping.writeLock().lock();
        try {
            referenced.addAll(referencedSinceScan);
            documents = trust.forgetAllBut(referenced);
        } finally {
            keeping.writeLock().unlock();
        }
        if (erased > 0) {
            log.info("evidence: {} envelopes kept more than {} erased as of {}, {} trust documents no longer needed with them",
                    erased, retention, asOf, documents);
        }
        return erased;
    }

    /**
     * Adds {@code documents} to what the day's envelopes need, in memory and, if any is new to the day, in its
     * {@link #REFS} file first. Nothing to write on all but the first keep of a day and after a trust change.
     */
    private void remember(LocalDate date, Path day, Set<String> documents) throws IOException {
        Set<String> known = referencedByDay.get(date);
        if (known != null && known.containsAll(documents)) {
            return;
        }
        synchronized (refsWrites) {
            Set<String> all = ConcurrentHashMap.newKeySet();
            all.addAll(known(date, day));
            if (all.containsAll(documents)) {
                return;
            }
            all.addAll(documents);
            AtomicFiles.write(refsFile(date), String.join("\n", new java.util.TreeSet<>(all)).concat("\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            referencedByDay.put(date, all);
        }
    }

    /**
     * What one day's envelopes need: from memory, else its {@link #REFS} file, else (a day kept before the files) read
     * from its indexes once and written to the file.
     */
    private Set<String> known(LocalDate date, Path day) {
        return referencedByDay.computeIfAbsent(date, d -> {
            Path refs = refsFile(d);
            try {
                Set<String> found = ConcurrentHashMap.newKeySet();
                if (Files.exists(refs)) {
                    for (String line : Files.readAllLines(refs, java.nio.charset.StandardCharsets.US_ASCII)) {
                        if (!line.isBlank()) {
                            found.add(line.trim());
                        }
                    }
                    return found;
                }
                found.addAll(referencedOn(day));
                if (!found.isEmpty()) {
                    AtomicFiles.write(refs, String.join("\n", new java.util.TreeSet<>(found)).concat("\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                return found;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("evidence: cannot read or write " + refs, e);
            }
        });
    }

    /** Reference files of expired days whose folder was never written (a keep that failed after its file). */
    private void forgetRefsThrough(LocalDate lastExpiredDay) throws IOException {
        Path refs = root.resolve(REFS);
        if (!Files.isDirectory(refs)) {
            return;
        }
        try (Stream<Path> files = Files.list(refs)) {
            for (Path file : files.toList()) {
                try {
                    LocalDate date = LocalDate.parse(file.getFileName().toString(), DAY);
                    if (!date.isAfter(lastExpiredDay)) {
                        Files.deleteIfExists(file);
                        referencedByDay.remove(date);
                    }
                } catch (DateTimeParseException e) {
                    // a hidden file AtomicFiles left half written: not a day's
                }
            }
        }
    }

    private Path refsFile(LocalDate date) {
        return root.resolve(REFS).resolve(DAY.format(date));
    }

    /** The trust documents the envelopes kept on one day need, from their indexes (none if it has no folder yet). */
    private static Set<String> referencedOn(Path day) {
        Set<String> referenced = ConcurrentHashMap.newKeySet();
        if (!Files.isDirectory(day)) {
            return referenced;
        }
        try (Stream<Path> files = Files.list(day)) {
            for (Path index : files.filter(f -> f.getFileName().toString().endsWith(KeptEnvelope.INDEX_SUFFIX)).toList()) {
                KeptEnvelope kept = KeptEnvelope.read(index);
                referenced.addAll(Set.of(kept.crl(), kept.directory(), kept.rootCa()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("evidence: cannot read the indexes of " + day, e);
        }
        return referenced;
    }

    private static List<Path> days(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory).filter(EvidenceStore::isDay).sorted().toList();
        }
    }

    private static boolean isDay(Path dir) {
        try {
            LocalDate.parse(dir.getFileName().toString(), DAY);
            return true;
        } catch (DateTimeParseException e) {
            return false; // trust/
        }
    }

    /** Ids and codes are schema-checked, but a file name is built only from what cannot leave the folder. */
    private static String safe(String part) {
        return part.replaceAll("[^0-9A-Za-z.-]", "-");
    }
}
