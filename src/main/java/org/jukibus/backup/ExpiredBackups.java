package org.jukibus.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import org.jukibus.core.Erasable;

/**
 * Backups hold personal data erased from the node since they were made: an archive in {@code jukibus.backup.dir}
 * whose expiry (in its encryption header, {@link BackupEncryption}) has passed is deleted by the node's erasure run.
 * A plain archive (made before backups were encrypted, so without an expiry of its own) expires {@code
 * jukibus.backup.retention} after the time its manifest gives. Files there that are not node backups are left alone.
 */
public final class ExpiredBackups implements Erasable {

    private final Path dir;
    private final Period retention;

    public ExpiredBackups(Path dir, Period retention) {
        this.dir = dir;
        this.retention = retention;
    }

    @Override
    public String what() {
        return "expired backups";
    }

    @Override
    public int eraseAsOf(Instant asOf) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int erased = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Instant expiresAt = expiresAt(file, retention);
                if (expiresAt != null && !expiresAt.isAfter(asOf) && Files.deleteIfExists(file)) {
                    erased++;
                }
            }
        }
        return erased;
    }

    /** When an archive expires: from its encryption header, or for a plain one its manifest's time plus the retention; null if not a backup. */
    static Instant expiresAt(Path file, Period retention) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Instant encrypted = BackupEncryption.expiresAt(in);
            if (encrypted != null) {
                return encrypted;
            }
        }
        Instant created = BackupArchive.plainCreatedAt(file);
        return created == null ? null : created.atZone(ZoneOffset.UTC).plus(retention).toInstant();
    }
}
