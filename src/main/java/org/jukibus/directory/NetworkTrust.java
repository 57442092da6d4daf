package org.jukibus.directory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node trusts right now: the signed node directory and the network CA's CRL (失効リスト), held
 * together so every check (envelope senders, broker logins, peer endpoints) reads the same pair and follows
 * a newer one without a restart.
 *
 * <p>A newer document is taken only if it verifies against the root CA, its serial (the directory's
 * {@code serial}, the CRL's CRLNumber) is greater than the current one (an older or equal one would be a
 * rollback), and it has not expired by this node's clock. The accepted document is written to
 * {@code <home>/trust/} first, so a restart starts from the newest one seen. Listeners are told after the
 * switch.
 *
 * <p>The current CRL is kept past its nextUpdate when no newer one arrives: refusing every peer would stop
 * the network, so the node keeps working on the last valid list and the heartbeat and log raise the alarm.
 */
public final class NetworkTrust {

    private static final Logger log = LoggerFactory.getLogger(NetworkTrust.class);

    public static final String DIRECTORY_FILE = "directory.xml";
    public static final String CRL_FILE = "crl.pem";

    /** The pair in force. */
    public record State(NodeDirectory directory, X509CRL crl) {
        public BigInteger crlNumber() {
            return NetworkTrust.crlNumber(crl);
        }
    }

    /** What an offered document did. */
    public enum Outcome { ACCEPTED, ALREADY_CURRENT }

    /** The kind of a trust document, told from its content (PEM CRL or directory XML). */
    public enum Kind {
        CRL, DIRECTORY;

        public static Kind of(byte[] document) {
            String head = new String(document, 0, Math.min(document.length, 64), StandardCharsets.US_ASCII).stripLeading();
            return head.startsWith("-----BEGIN X509 CRL-----") ? CRL : DIRECTORY;
        }
    }

    private final Path store;
    private final String selfCode;
    private final NodeRole selfRole;
    private final X509Certificate rootCa;
    private final Clock clock;
    private final AtomicReference<State> current;
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

    private NetworkTrust(Path store, String selfCode, NodeRole selfRole, X509Certificate rootCa, Clock clock, State initial) {
        this.store = store;
        this.selfCode = selfCode;
        this.selfRole = selfRole;
        this.rootCa = rootCa;
        this.clock = clock;
        this.current = new AtomicReference<>(initial);
    }

    /**
     * Starts from the configured files or, if newer, the ones an earlier run accepted and stored in {@code store};
     * the configured files count as the node's first delivery.
     */
    public static NetworkTrust start(Path store, Path configuredDirectory, Path configuredCrl, X509Certificate rootCa,
                                     String selfCode, NodeRole selfRole, Clock clock) throws IOException, DirectoryRejectedException {
        X509CRL crl = newer(store.resolve(CRL_FILE), configuredCrl, Pem::readCrl, NetworkTrust::crlNumber).value();
        X509CRL checks = forSignerChecks(crl, clock);
        // each file is loaded (parsed, validated, its signature verified) once, and only once if the node stored the
        // configured one itself (a restart without a newer delivery): 1,741 entries take a visible part of a start
        Chosen<NodeDirectory> chosen = newer(store.resolve(DIRECTORY_FILE), configuredDirectory,
                f -> DirectoryLoader.load(f, rootCa, checks, clock), d -> BigInteger.valueOf(d.serial()));
        Path directoryFile = chosen.file();
        NodeDirectory directory = chosen.value();
        requireSelf(directory, selfCode, selfRole, directoryFile.toString());
        Files.createDirectories(store);
        if (!directoryFile.startsWith(store)) {
            copy(directoryFile, store.resolve(DIRECTORY_FILE));
        }
        copy(Pem.toPem(crl).getBytes(StandardCharsets.US_ASCII), store.resolve(CRL_FILE));
        log.info("network trust: directory serial {}, CRL number {} (next update {})", directory.serial(), crlNumber(crl),
                crl.getNextUpdate() == null ? "none" : crl.getNextUpdate().toInstant());
        return new NetworkTrust(store, selfCode, selfRole, rootCa, clock, new State(directory, crl));
    }

    public State state() {
        return current.get();
    }

    public NodeDirectory directory() {
        return current.get().directory();
    }

    public X509CRL crl() {
        return current.get().crl();
    }

    /** True if the current CRL lists {@code cert}. */
    public boolean revoked(X509Certificate cert) {
        return current.get().crl().isRevoked(cert);
    }

    /** {@code listener} is called with the new pair after every switch. */
    public void onChange(Consumer<State> listener) {
        listeners.add(listener);
    }

    /** Takes a published CRL (PEM) or signed directory (XML), whichever {@code document} is. */
    public synchronized Outcome offer(byte[] document) throws TrustRejectedException {
        return Kind.of(document) == Kind.CRL ? offerCrl(document) : offerDirectory(document);
    }

    private Outcome offerCrl(byte[] pem) throws TrustRejectedException {
        X509CRL crl = parseCrl(pem);
        if (!crl.getIssuerX500Principal().equals(rootCa.getSubjectX500Principal())) {
            throw new TrustRejectedException("INVALID", "the CRL is issued by " + crl.getIssuerX500Principal() + ", not the root CA");
        }
        try {
            crl.verify(rootCa.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new TrustRejectedException("INVALID", "the CRL's signature does not verify with the root CA", e);
        }
        BigInteger number = crlNumber(crl);
        BigInteger have = state().crlNumber();
        if (number.equals(have)) {
            return Outcome.ALREADY_CURRENT;
        }
        if (number.compareTo(have) < 0) {
            throw new TrustRejectedException("ROLLBACK", "CRL number " + number + " is older than the current " + have);
        }
        Instant now = clock.instant();
        if (crl.getNextUpdate() != null && !crl.getNextUpdate().toInstant().isAfter(now)) {
            throw new TrustRejectedException("EXPIRED", "CRL number " + number + " expired at " + crl.getNextUpdate().toInstant());
        }
        persist(CRL_FILE, Pem.toPem(crl).getBytes(StandardCharsets.US_ASCII));
        switchTo(new State(directory(), crl));
        log.info("network trust: CRL number {} in force (was {}), {} revoked, next update {}", number, have,
                crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(), crl.getNextUpdate().toInstant());
        return Outcome.ACCEPTED;
    }

    private Outcome offerDirectory(byte[] xml) throws TrustRejectedException {
        NodeDirectory directory;
        try {
            directory = DirectoryLoader.load(xml, rootCa, forSignerChecks(crl(), clock), clock);
        } catch (DirectoryRejectedException e) {
            throw new TrustRejectedException("INVALID", e.getMessage(), e);
        }
        long have = directory().serial();
        if (directory.serial() == have) {
            return Outcome.ALREADY_CURRENT;
        }
        if (directory.serial() < have) {
            throw new TrustRejectedException("ROLLBACK", "directory serial " + directory.serial() + " is older than the current " + have);
        }
        if (directory.nextUpdate() != null && !directory.nextUpdate().isAfter(clock.instant())) {
            throw new TrustRejectedException("EXPIRED", "directory serial " + directory.serial() + " expired at " + directory.nextUpdate());
        }
        try {
            requireSelf(directory, selfCode, selfRole, "directory serial " + directory.serial());
        } catch (DirectoryRejectedException e) {
            throw new TrustRejectedException("INVALID", e.getMessage(), e);
        }
        persist(DIRECTORY_FILE, xml);
        switchTo(new State(directory, crl()));
        log.info("network trust: directory serial {} in force (was {}), {} nodes", directory.serial(), have, directory.size());
        return Outcome.ACCEPTED;
    }

    /**
     * The CRL to check a directory's signer with. One past its nextUpdate would make CertificateValidator refuse
     * every directory, and a restart on the day after a missed CRL would then fail: the signer is checked
     * against the root CA only, and the log says so (the stale CRL is alerted on by the heartbeat anyway).
     */
    private static X509CRL forSignerChecks(X509CRL crl, Clock clock) {
        if (crl.getNextUpdate() != null && !crl.getNextUpdate().toInstant().isAfter(clock.instant())) {
            log.warn("network trust: the CRL in force (number {}) is past its next update {}: the directory's signer is "
                    + "checked without it; publish a new CRL at central", crlNumber(crl), crl.getNextUpdate().toInstant());
            return null;
        }
        return crl;
    }

    private void switchTo(State next) {
        current.set(next);
        for (Consumer<State> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.error("network trust: a listener failed on the switch: {}", e.toString(), e);
            }
        }
    }

    /** A directory that no longer lists this node as itself would cut it off: taken for a mistake, not applied. */
    private static void requireSelf(NodeDirectory directory, String code, NodeRole role, String what) throws DirectoryRejectedException {
        NodeEntry self = directory.byCode(code).orElseThrow(() -> new DirectoryRejectedException(
                "this node (" + code + ") is not in the directory " + what));
        if (self.role() != role) {
            throw new DirectoryRejectedException("the directory " + what + " lists " + code + " as " + self.role().id()
                    + " but this node is configured as " + role.id());
        }
    }

    private void persist(String name, byte[] content) throws TrustRejectedException {
        try {
            copy(content, store.resolve(name));
        } catch (IOException e) {
            // not applied either: a restart would otherwise fall back to the older document. Unchecked I/O: the
            // caller decides whether it waits (a delivery of the document: the disk may be full for a weekend)
            throw new UncheckedIOException("cannot store the accepted " + name + " in " + store + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        copy(Files.readAllBytes(from), to);
    }

    /** Write beside, then rename: a crash leaves the old file or the new one, never half of one. */
    private static void copy(byte[] content, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling(to.getFileName() + ".part");
        Files.write(tmp, content);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509CRL parseCrl(byte[] pem) throws TrustRejectedException {
        try {
            String text = new String(pem, StandardCharsets.US_ASCII);
            int begin = text.indexOf("-----BEGIN X509 CRL-----");
            int end = text.indexOf("-----END X509 CRL-----");
            if (begin < 0 || end < begin) {
                throw new TrustRejectedException("INVALID", "not a PEM CRL");
            }
            byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(begin + 24, end));
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TrustRejectedException("INVALID", "not a readable CRL: " + e.getMessage(), e);
        }
    }

    /** The CRL's CRLNumber; a CRL without one counts as number 0 (any numbered CRL supersedes it). */
    public static BigInteger crlNumber(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (ext == null) {
            return BigInteger.ZERO;
        }
        return CRLNumber.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getCRLNumber();
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Path file) throws IOException, DirectoryRejectedException;
    }

    /** A trust document read from {@code file}. */
    private record Chosen<T>(Path file, T value) {
    }

    /**
     * The stored file (one an earlier run accepted) if it is readable and has a higher number than the configured one,
     * else the configured one; the stored one also when the configured one's signer is no longer acceptable (expired or
     * revoked since it was provisioned, while deliveries kept the node current). Any other fault of the configured file
     * (unsigned, changed after signing, malformed) stops the start as before: someone changed the node's configuration,
     * and an operator must look. Each file is read once; a stored file with the configured one's bytes is not read again.
     */
    private static <T> Chosen<T> newer(Path stored, Path configured, Reader<T> reader, Function<T, BigInteger> number)
            throws IOException, DirectoryRejectedException {
        T fromStore = null;
        if (Files.exists(stored) && Files.mismatch(stored, configured) != -1) {
            try {
                fromStore = reader.read(stored);
            } catch (IOException | DirectoryRejectedException | RuntimeException e) {
                log.warn("network trust: the stored {} is not usable ({}); starting from the configured {}", stored, e.getMessage(), configured);
            }
        }
        T fromConfig;
        try {
            fromConfig = reader.read(configured);
        } catch (IOException | DirectoryRejectedException | RuntimeException e) {
            if (fromStore == null || !(e.getCause() instanceof CertificateRejectedException)) {
                throw e;
            }
            log.warn("network trust: the configured {} is not usable ({}); starting from the stored {}, which an earlier run"
                    + " accepted and which verifies now", configured, e.getMessage(), stored);
            return new Chosen<>(stored, fromStore);
        }
        return fromStore != null && number.apply(fromStore).compareTo(number.apply(fromConfig)) > 0
                ? new Chosen<>(stored, fromStore) : new Chosen<>(configured, fromConfig);
    }
}
