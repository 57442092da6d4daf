package org.jukibus.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import org.jukibus.core.Erasable;

/**
 * Backups hold personal data erased from the node since they were made: an archive in {@code jukibus.backup.dir}
 * whose expiry (in its encryption header, {@link BackupEncryption}) has passed is deleted by the node's erasure run.
 * Files there that are not encrypted backups are left alone.
 */
public final class ExpiredBackups implements Erasable {

    private final Path dir;

    public ExpiredBackups(Path dir) {
        this.dir = dir;
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
                Instant expiresAt;
                try (InputStream in = Files.newInputStream(file)) {
                    expiresAt = BackupEncryption.expiresAt(in);
                }
                if (expiresAt != null && !expiresAt.isAfter(asOf) && Files.deleteIfExists(file)) {
                    erased++;
                }
            }
        }
        return erased;
    }
}
