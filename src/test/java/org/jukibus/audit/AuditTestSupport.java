package org.jukibus.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;

/** A CA, a node key and logs written with a clock that ticks one second per entry. */
final class AuditTestSupport {

    /** 01:00 UTC tomorrow: within the validity of certificates issued now, and far from a change of UTC day. */
    static final Instant T0 = java.time.LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(1, 0).toInstant(ZoneOffset.UTC);

    final CertificateAuthority ca;
    final KeyMaterial node;
    final KeyMaterial otherNode;

    AuditTestSupport(Path dir) throws IOException {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Test Root CA", "secret".toCharArray());
        node = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"), Duration.ofDays(30));
        otherNode = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"), List.of("127.0.0.1"), Duration.ofDays(30));
    }

    /** A clock that moves on by {@code step} every time it is read. */
    static final class TickingClock extends Clock {
        private Instant now;
        private final Duration step;

        TickingClock(Instant start, Duration step) {
            this.now = start;
            this.step = step;
        }

        @Override
        public synchronized Instant instant() {
            Instant t = now;
            now = now.plus(step);
            return t;
        }

        synchronized void set(Instant t) {
            now = t;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    HashChainLog open(Path logDir, Clock clock) throws IOException {
        return HashChainLog.open(logDir, clock, "node:131041", node, 1 << 20);
    }

    static AuditEvent queued(int i) {
        return AuditEvent.of(AuditKind.MESSAGE_QUEUED).flow("transfer-in").message("m" + i, "TransferInNotice")
                .sender("131041").recipient("271004").digestOf(("envelope " + i).getBytes(StandardCharsets.UTF_8));
    }

    /** Entries #1..#5, a seal #6, entries #7..#9 and the seal #10 made when the log closes, all in one file. */
    Path standardLog(Path logDir) throws IOException {
        HashChainLog log = open(logDir, new TickingClock(T0, Duration.ofSeconds(1)));
        for (int i = 1; i <= 5; i++) {
            log.record(queued(i));
        }
        log.seal();
        for (int i = 7; i <= 9; i++) {
            log.record(queued(i));
        }
        log.close();
        return logDir;
    }

    static Path onlyFile(Path logDir) throws IOException {
        List<Path> files = LogFiles.list(logDir);
        if (files.size() != 1) {
            throw new IllegalStateException("expected one log file, found " + files);
        }
        return files.get(0);
    }

    static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    AuditVerifier.Report verify(Path logDir) throws IOException {
        return AuditVerifier.verifyDirectory(logDir, List.of(node.certificate()), null, false);
    }
}
