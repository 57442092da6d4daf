package org.jukibus.erasure;

import org.jukibus.core.Erasable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.jukibus.adapter.file.TransferLedger;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The legacy folders' copies of what passed through the node: the inputs moved to {@code sent/<flow>/<day>/}, payloads
 * still lying in {@code outbox/<flow>/} and refused inputs in {@code error/<flow>/} with their {@code .error} report.
 * Their age is the time the transfer ledger recorded them at (node clock); a file is erased once that is more than
 * {@code jukibus.erasure.legacy-retention} ago and its content is still the one recorded (a later file of the same
 * name stays), then the ledger rows themselves, which name the files. Reports in {@code error/<flow>/} that stand
 * alone (a request's {@code .timeout}, a negative answer's {@code .error}: no file of the ledger beside them) are
 * erased once they were last written more than the retention ago.
 */
final class LegacyFilesErasure implements Erasable {

    private final Path legacyRoot;
    private final JdbcTemplate jdbc;
    private final Period retention;

    LegacyFilesErasure(Path legacyRoot, JdbcTemplate jdbc, Period retention) {
        this.legacyRoot = legacyRoot;
        this.jdbc = jdbc;
        this.retention = retention;
    }

    @Override
    public String what() {
        return "legacy files";
    }

    @Override
    public int eraseAsOf(Instant asOf) throws IOException {
        Timestamp cutoff = Timestamp.from(asOf.atZone(ZoneOffset.UTC).minus(retention).toInstant());
        List<Map<String, Object>> entries = jdbc.queryForList(
                "select distinct flow, file_name, sha256 from transfer_ledger where recorded_at < ?", cutoff);
        int erased = 0;
        for (Map<String, Object> entry : entries) {
            String flow = (String) entry.get("flow");
            String name = (String) entry.get("file_name");
            if (!plain(flow) || !plain(name)) {
                continue; // the ledger records plain names only; anything else is not a file of ours to delete
            }
            String sha256 = ((String) entry.get("sha256")).trim();
            erased += eraseIfSame(legacyRoot.resolve("outbox").resolve(flow).resolve(name), sha256);
            Path error = legacyRoot.resolve("error").resolve(flow).resolve(name);
            if (eraseIfSame(error, sha256) > 0) {
                erased++;
                Files.deleteIfExists(error.resolveSibling(name + ".error"));
            }
            Path sent = legacyRoot.resolve("sent").resolve(flow);
            if (Files.isDirectory(sent)) {
                try (DirectoryStream<Path> days = Files.newDirectoryStream(sent)) {
                    for (Path day : days) {
                        erased += eraseIfSame(day.resolve(name), sha256);
                        deleteIfEmpty(day);
                    }
                }
            }
        }
        jdbc.update("delete from transfer_ledger where recorded_at < ?", cutoff);
        return erased + eraseLoneReports(cutoff.toInstant());
    }

    private int eraseLoneReports(Instant cutoff) throws IOException {
        Path errors = legacyRoot.resolve("error");
        if (!Files.isDirectory(errors)) {
            return 0;
        }
        int erased = 0;
        try (DirectoryStream<Path> flows = Files.newDirectoryStream(errors, Files::isDirectory)) {
            for (Path flow : flows) {
                try (DirectoryStream<Path> reports = Files.newDirectoryStream(flow, "*.{error,timeout}")) {
                    for (Path report : reports) {
                        String name = report.getFileName().toString();
                        Path companion = flow.resolve(name.substring(0, name.lastIndexOf('.')));
                        if (Files.isRegularFile(report, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.exists(companion)
                                && Files.getLastModifiedTime(report).toInstant().isBefore(cutoff)) {
                            Files.delete(report);
                            erased++;
                        }
                    }
                }
            }
        }
        return erased;
    }

    private static int eraseIfSame(Path file, String sha256) throws IOException {
        if (Files.isRegularFile(file) && TransferLedger.sha256(Files.readAllBytes(file)).equals(sha256)) {
            Files.delete(file);
            return 1;
        }
        return 0;
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
                if (left.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(dir);
        }
    }

    private static boolean plain(String name) {
        return name != null && !name.isEmpty() && !name.startsWith(".") && Path.of(name).getFileName().toString().equals(name);
    }
}
