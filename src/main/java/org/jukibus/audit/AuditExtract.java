package org.jukibus.audit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jukibus.pki.CertificateValidator;

/**
 * An auditor's extract of an operation log: the entries of a time range, verifiable without the rest of the log.
 *
 * <p>The file is JSON lines. The first is a header: {@code {"extract":"jukibus operation log","from":…,"to":…,
 * "firstSeq":…,"prev":…,"exportedAt":…}}, where {@code prev} is the hash of the entry before the first one
 * (the chain context). Then come the log's lines exactly as the node wrote them, from the first entry of the range
 * to the first seal after its last entry: the seal's signature covers every line before it, so an entry of the
 * range cannot be changed, dropped or reordered without the verifier noticing. When the range reaches the end of
 * the log and the newest entries are not sealed yet, the extract ends with them and says so.
 */
public final class AuditExtract {

    static final String MARK = "jukibus operation log";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was exported. */
    public record Exported(long firstSeq, long lastSeq, long inRange, boolean sealed) {
    }

    /** What was verified: the chain report, and the extract's range. */
    public record Verified(AuditVerifier.Report report, Instant from, Instant to, long inRange) {
    }

    private AuditExtract() {
    }

    /**
     * Writes the entries of {@code [from, to)} with their chain context to {@code out}.
     *
     * @throws IllegalArgumentException if no entry falls in the range
     */
    public static Exported export(Path logDir, Instant from, Instant to, Path out) throws IOException {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the end of the range must be after its start");
        }
        List<Path> files = LogFiles.list(logDir);
        if (files.isEmpty()) {
            throw new IOException("no operation log in " + logDir + " (no operations-*.jsonl files)");
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        Files.deleteIfExists(tmp);
        Scan scan = new Scan(from, to);
        try (FileOutputStream body = new FileOutputStream(tmp.toFile())) {
            scan.body = body;
            for (Path f : files) {
                LogFiles.read(f, scan::accept);
            }
        }
        if (scan.inRange == 0) {
            Files.deleteIfExists(tmp);
            throw new IllegalArgumentException("no entry of the log in " + logDir + " falls between " + from + " and " + to);
        }
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
            raf.setLength(scan.sealEnd >= 0 ? scan.sealEnd : scan.written); // up to the seal that covers the range
        }
        ObjectNode header = JSON.createObjectNode();
        header.put("extract", MARK);
        header.put("from", from.toString());
        header.put("to", to.toString());
        header.put("firstSeq", scan.firstSeq);
        header.put("prev", scan.prev);
        header.put("exportedAt", Instant.now().toString());
        try (FileOutputStream o = new FileOutputStream(out.toFile())) {
            o.write((JSON.writeValueAsString(header) + "\n").getBytes(StandardCharsets.UTF_8));
            Files.copy(tmp, o);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Exported(scan.firstSeq, scan.sealEnd >= 0 ? scan.sealSeq : scan.lastSeq, scan.inRange, scan.sealEnd >= 0);
    }

    /** Streams the log, copying lines from the first entry of the range on, and remembers where the covering seal ends. */
    private static final class Scan {
        final Instant from;
        final Instant to;
        FileOutputStream body;
        boolean started;
        long firstSeq;
        String prev;
        long inRange;
        long lastSeq;
        long written;
        long sealEnd = -1;
        long sealSeq;

        Scan(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        void accept(LogFiles.Line line) throws IOException {
            AuditEntry e = null;
            try {
                e = AuditEntry.parse(line.text());
            } catch (IllegalArgumentException unreadable) {
                // copied as it is once the extract has started: the auditor's verify names it
            }
            boolean in = e != null && !e.time().isBefore(from) && e.time().isBefore(to);
            if (!started) {
                if (!in) {
                    return;
                }
                started = true;
                firstSeq = e.seq();
                prev = e.prev();
            }
            byte[] bytes = (line.text() + (line.terminated() ? "\n" : "")).getBytes(StandardCharsets.UTF_8);
            body.write(bytes);
            written += bytes.length;
            if (e != null) {
                lastSeq = e.seq();
            }
            if (in) {
                inRange++;
                sealEnd = -1; // needs a seal after this entry
            } else if (sealEnd < 0 && e != null && e.kind() == AuditKind.SEAL) {
                sealEnd = written;
                sealSeq = e.seq();
            }
            if (in && e.kind() == AuditKind.SEAL) {
                sealEnd = written;
                sealSeq = e.seq();
            }
        }
    }

    /** Verifies an extract: its header, then its lines as a chain that starts at the header's context. */
    public static Verified verify(Path extract, Collection<X509Certificate> nodeCertificates, CertificateValidator validator,
                                  boolean requireSealed) throws IOException {
        String first;
        try (var reader = Files.newBufferedReader(extract, StandardCharsets.UTF_8)) {
            first = reader.readLine();
        }
        JsonNode header;
        try {
            header = first == null ? null : JSON.readTree(first);
        } catch (JsonProcessingException e) {
            header = null;
        }
        if (header == null || !MARK.equals(header.path("extract").asText()) || !header.path("firstSeq").canConvertToLong()
                || header.path("firstSeq").asLong() < 1 || !header.path("prev").isTextual()) {
            throw new IllegalArgumentException(extract + " is not an extract of an operation log (no valid header line)");
        }
        Instant from = Instant.parse(header.get("from").asText());
        Instant to = Instant.parse(header.get("to").asText());
        AuditVerifier v = new AuditVerifier(nodeCertificates, validator, requireSealed, header.get("firstSeq").asLong(),
                header.get("prev").asText());
        long[] inRange = {0};
        LogFiles.read(extract, line -> {
            if (line.number() == 1) {
                return;
            }
            v.accept(line);
            try {
                Instant t = AuditEntry.parse(line.text()).time();
                if (!t.isBefore(from) && t.isBefore(to)) {
                    inRange[0]++;
                }
            } catch (IllegalArgumentException unreadable) {
                // the verifier reports it
            }
        });
        return new Verified(v.finish(), from, to, inRange[0]);
    }
}
