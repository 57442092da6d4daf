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
 * {@code .properties} beside it ({@link KeptEnvelope}), by the UTC day it arrived; {@code trust/<sha256>.pem|.xml}.
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
     * The trust documents each unexpired day's envelopes need, read from its indexes at the first erasure after start
     * and added to by every keep since: the hourly erasure reads no index twice (five years of days would otherwise be
     * read back to back). Only a handful of documents a day, so it stays small.
     */
    private final ConcurrentHashMap<LocalDate, Set<String>> referencedByDay = new ConcurrentHashMap<>();

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
            // after the index is on disk: a day an erasure reads from now on has it, one it read before learns it here
            referencedByDay.computeIfPresent(date, (d, known) -> {
                known.addAll(documents);
                return known;
            });
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
                referenced.addAll(referencedByDay.computeIfAbsent(date, d -> referencedOn(day)));
                continue;
            }
            try (Stream<Path> files = Files.list(day)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                    erased += file.getFileName().toString().endsWith(KeptEnvelope.INDEX_SUFFIX) ? 1 : 0;
                }
            }
            Files.delete(day);
            referencedByDay.remove(date);
        }
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

    /** The trust documents the envelopes kept on one day need, from their indexes. */
    private static Set<String> referencedOn(Path day) {
        Set<String> referenced = ConcurrentHashMap.newKeySet();
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
