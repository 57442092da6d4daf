package org.jukibus.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.jukibus.adapter.file.AtomicFiles;
import org.jukibus.audit.Sha256;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.pki.Pem;

/**
 * The trust documents evidence is checked against later: every CRL, signed directory and root CA certificate that
 * was in force while this node kept an envelope, in {@code evidence/trust/} under their SHA-256, never rewritten:
 * each version once, however many envelopes name it. A signed directory (about 1.2 KB per node, some 2 MB for the
 * whole network) is kept gzip-compressed ({@code <sha256>.xml.gz}; its digest is of the document as signed, which
 * {@link #read} gives back); one kept uncompressed by an earlier version ({@code .xml}) is read as it is.
 * {@link NetworkTrust} writes the document it accepts to {@code <home>/trust/} before it switches to it, and tells
 * its listeners after the switch, one offer at a time: so the files there are the pair in force when a listener runs.
 */
final class TrustVersions {

    static final String DIRECTORY = "trust";

    /** The digests of the documents in force. */
    record InForce(String crl, String directory, String rootCa) {
        Set<String> all() {
            return Set.of(crl, directory, rootCa);
        }
    }

    private final Path folder;
    private final Path networkTrust;
    private final byte[] rootCa;
    private final AtomicReference<InForce> inForce = new AtomicReference<>();

    /**
     * @param evidence     the evidence store's folder
     * @param networkTrust {@code <home>/trust/}, where {@link NetworkTrust} keeps the documents in force
     */
    TrustVersions(Path evidence, Path networkTrust, X509Certificate rootCa) {
        this.folder = evidence.resolve(DIRECTORY);
        this.networkTrust = networkTrust;
        this.rootCa = Pem.toPem(rootCa).getBytes(StandardCharsets.US_ASCII);
    }

    /** Follows {@code trust}: its documents now, and each pair it switches to. */
    TrustVersions follow(NetworkTrust trust) {
        record(trust.state());
        trust.onChange(this::record);
        return this;
    }

    InForce inForce() {
        return inForce.get();
    }

    private void record(NetworkTrust.State state) {
        try {
            byte[] directory = Files.readAllBytes(networkTrust.resolve(NetworkTrust.DIRECTORY_FILE));
            inForce.set(new InForce(keep(Pem.toPem(state.crl()).getBytes(StandardCharsets.US_ASCII), ".pem"),
                    keep(directory, ".xml"), keep(rootCa, ".pem")));
        } catch (IOException e) {
            throw new UncheckedIOException("evidence: cannot keep the trust documents in force in " + folder, e);
        }
    }

    private String keep(byte[] document, String suffix) throws IOException {
        String digest = Sha256.hex(document);
        if (XML.equals(suffix)) {
            if (!Files.exists(folder.resolve(digest + XML)) && !Files.exists(folder.resolve(digest + XML_GZ))) {
                AtomicFiles.write(folder.resolve(digest + XML_GZ), gzip(document));
            }
            return digest;
        }
        Path file = folder.resolve(digest + suffix);
        if (!Files.exists(file)) {
            AtomicFiles.write(file, document);
        }
        return digest;
    }

    private static final String XML = ".xml";
    private static final String XML_GZ = ".xml.gz";

    static byte[] gzip(byte[] document) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(document.length / 2);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(document);
        }
        return out.toByteArray();
    }

    /** A kept document by its digest; its content must still have that digest. */
    static byte[] read(Path evidence, String digest) throws IOException, EvidenceRejectedException {
        Path folder = evidence.resolve(DIRECTORY);
        for (String suffix : new String[] {".pem", XML, XML_GZ}) {
            Path file = folder.resolve(digest + suffix);
            if (Files.exists(file)) {
                byte[] content = readDocument(file);
                if (!Sha256.hex(content).equals(digest)) {
                    throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TRUST_TAMPERED,
                            "the kept trust document " + file + " no longer has the SHA-256 it was kept under");
                }
                return content;
            }
        }
        throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TRUST_MISSING,
                "the trust document " + digest + " in force at arrival is not in " + folder);
    }

    /** A kept document's bytes as signed: a compressed one unpacked (a corrupt one fails here, as TRUST_TAMPERED). */
    private static byte[] readDocument(Path file) throws IOException, EvidenceRejectedException {
        if (!file.getFileName().toString().endsWith(".gz")) {
            return Files.readAllBytes(file);
        }
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TRUST_TAMPERED,
                    "the kept trust document " + file + " can no longer be unpacked: " + e.getMessage());
        }
    }

    /** Deletes kept documents that neither {@code referenced} nor the pair in force names; returns how many. */
    int forgetAllBut(Set<String> referenced) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        InForce now = inForce();
        int deleted = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                String digest = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                if (!referenced.contains(digest) && (now == null || !now.all().contains(digest)) && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
