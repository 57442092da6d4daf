package org.jukibus.approval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import org.jukibus.audit.Sha256;

/**
 * The approvals this node accepted while their officer's certificate was valid, as the node itself recorded them,
 * by its own clock: {@code state/}{@value #FILE} in the node's home, owner-only, one line per approval
 * ({@code <manifest sha256> <officer certificate sha256> <first accepted at>}). A node restarted after the officer's
 * certificate lapsed keeps starting with exactly such an approval ({@link ProgramApproval}). The manifest's own
 * {@code approvedAt} cannot serve: whoever holds the officer's key writes it, and could backdate a new approval.
 */
final class AcceptedApprovals {

    static final String FILE = "accepted-approvals";

    private final Path file;

    AcceptedApprovals(Path home) {
        this.file = of(home);
    }

    /** The file of a node home. */
    static Path of(Path home) {
        return home.resolve("state").resolve(FILE);
    }

    /** When this node first accepted the manifest with this digest signed by this officer, if it recorded it. */
    Optional<Instant> firstAccepted(String manifestSha256, X509Certificate officer) throws IOException {
        String key = manifestSha256 + " " + fingerprint(officer) + " ";
        return lines().stream().filter(l -> l.startsWith(key)).map(l -> parse(l.substring(key.length())))
                .flatMap(Optional::stream).min(Instant::compareTo);
    }

    /** Records that the node accepted the manifest at {@code at}, unless it did before: the first time is kept. */
    void record(String manifestSha256, X509Certificate officer, Instant at) throws IOException {
        if (firstAccepted(manifestSha256, officer).isPresent()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        lines().forEach(l -> text.append(l).append('\n'));
        text.append(manifestSha256).append(' ').append(fingerprint(officer)).append(' ').append(at).append('\n');
        write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private List<String> lines() throws IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static Optional<Instant> parse(String at) {
        try {
            return Optional.of(Instant.parse(at.trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // not a line this node wrote: it proves nothing
        }
    }

    /**
     * Temp file, synced, then moved over the old one: a power cut leaves the old record or the new one, never a
     * half-written file that would lose the approvals recorded before.
     */
    private void write(byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + FILE + ".tmp");
        Files.deleteIfExists(tmp);
        if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String fingerprint(X509Certificate officer) {
        try {
            return Sha256.hex(officer.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the officer's certificate: " + e.getMessage(), e);
        }
    }
}
