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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jukibus.audit.Sha256;
import org.jukibus.pki.CertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents an officer signed that this node accepted while the officer's certificate was valid, as the node
 * itself recorded them, by its own clock: the manifest of its programs ({@link ProgramApproval}) and the registration
 * of its operators ({@code operators.OperatorRegistry}). Kept in {@code state/}{@value #FILE} in the node's home,
 * owner-only, one line per document ({@code <document sha256> <officer certificate sha256> <first accepted at>}).
 * After the officer's certificate lapsed, exactly such a document is still accepted ({@link #judge}): a node that
 * runs for months must not fail its next restart, nor lock its operators out, because the certificate lapsed
 * meanwhile. The document's own {@code approvedAt} cannot serve: whoever holds the officer's key writes it, and could
 * backdate a new document.
 */
public final class AcceptedApprovals {

    private static final Logger logger = LoggerFactory.getLogger(AcceptedApprovals.class);

    static final String FILE = "accepted-approvals";
    /** A line this node wrote; anything else (a damaged or hand-edited line) proves nothing. */
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64}) ([0-9a-f]{64}) (\\S+)");
    /** The program approval at start and the operators' registration at a login may record at the same time. */
    private static final Object WRITING = new Object();

    /**
     * How a document's officer is judged: {@code check}, at now, or, when the certificate lapsed and this node
     * recorded accepting that very document while it was valid, at that time ({@code keptSince}).
     */
    public record Judgement(boolean lapsed, Optional<Instant> keptSince, OfficerSignature.OfficerCheck check) {

        /** The certificate lapsed and nothing keeps the document: a new one must be signed with a new certificate. */
        public boolean needsReapproval() {
            return lapsed && keptSince.isEmpty();
        }
    }

    private final Path file;

    public AcceptedApprovals(Path home) {
        this.file = of(home);
    }

    /** The file of a node home. */
    static Path of(Path home) {
        return home.resolve("state").resolve(FILE);
    }

    /** How to judge the officer of the document with digest {@code documentSha256} at {@code now}. */
    public Judgement judge(String documentSha256, X509Certificate officer, CertificateValidator validator, Instant now) {
        if (!officer.getNotAfter().toInstant().isBefore(now)) {
            return new Judgement(false, Optional.empty(), validator::validateOfficer);
        }
        Optional<Instant> kept = firstAccepted(documentSha256, officer);
        return new Judgement(true, kept, kept.isPresent()
                ? c -> validator.validateOfficerAcceptedAt(c, kept.get()) : validator::validateOfficer);
    }

    /**
     * Records that the node accepted the document at {@code at}, judged so, unless the acceptance was kept past the
     * lapse (not a new acceptance) or recorded before (the first time is kept).
     */
    public void accepted(String documentSha256, X509Certificate officer, Judgement judged, Instant at) throws IOException {
        if (judged.keptSince().isPresent()) {
            return;
        }
        synchronized (WRITING) {
            Lines lines = read();
            if (find(lines.good(), documentSha256, officer).isPresent() && lines.damaged() == 0) {
                return;
            }
            StringBuilder text = new StringBuilder();
            lines.good().forEach(l -> text.append(l).append('\n'));
            if (find(lines.good(), documentSha256, officer).isEmpty()) {
                text.append(documentSha256).append(' ').append(fingerprint(officer)).append(' ').append(at).append('\n');
            }
            write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** When this node first accepted the document with this digest signed by this officer, if it recorded it. */
    Optional<Instant> firstAccepted(String documentSha256, X509Certificate officer) {
        return find(read().good(), documentSha256, officer);
    }

    private static Optional<Instant> find(List<String> lines, String documentSha256, X509Certificate officer) {
        String key = documentSha256 + " " + fingerprint(officer) + " ";
        return lines.stream().filter(l -> l.startsWith(key)).map(l -> Instant.parse(l.substring(key.length())))
                .min(Instant::compareTo);
    }

    private record Lines(List<String> good, int damaged) {
    }

    /**
     * The lines this node wrote. A record that cannot be read, or lines that are not the node's (a damaged disk, an
     * editor that wrote another encoding), are warned about and ignored, not fatal: they prove nothing, so they can
     * only fail to keep a lapsed approval, which is then refused with the advice to re-approve; a node whose
     * officer's certificate is valid starts and writes the record again.
     */
    private Lines read() {
        if (!Files.exists(file)) {
            return new Lines(List.of(), 0);
        }
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // malformed bytes become U+FFFD
        } catch (IOException e) {
            logger.warn("cannot read the node's record of accepted approvals {} ({}): it is ignored, and written "
                    + "again when the officer's certificate is valid", file, e.toString());
            return new Lines(List.of(), 1);
        }
        List<String> good = new ArrayList<>();
        int damaged = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (wellFormed(line.strip())) {
                good.add(line.strip());
            } else {
                damaged++;
            }
        }
        if (damaged > 0) {
            logger.warn("{} damaged line(s) in the node's record of accepted approvals {}: ignored, and left out when "
                    + "the record is written again", damaged, file);
        }
        return new Lines(good, damaged);
    }

    private static boolean wellFormed(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return false;
        }
        try {
            Instant.parse(m.group(3));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Temp file, synced, then moved over the old one, then the folder synced (the move itself is in the folder): a
     * power cut leaves the old record or the new one, never a half-written file that would lose the approvals
     * recorded before.
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
        syncFolder(dir);
    }

    private static void syncFolder(Path dir) {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // some platforms (Windows) cannot open a folder: the file itself is synced, the move is the OS's to keep
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
