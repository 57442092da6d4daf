package org.jukibus.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Period;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code jukibus.backup.*}: how {@code jukibus node backup} encrypts an archive and how long it may be used, and where
 * the node's erasure looks for expired archives.
 */
@ConfigurationProperties("jukibus.backup")
public class BackupProperties {

    /** The environment variable that holds the passphrase when no file is configured. */
    public static final String PASSPHRASE_ENV = "JUKIBUS_BACKUP_PASSPHRASE";

    /** A file (0600) holding the passphrase the archive is encrypted with; else {@value #PASSPHRASE_ENV}. */
    private Path passphraseFile;
    /** An archive expires this long after it was made: a restore refuses it, the erasure deletes it from {@link #dir}. */
    private Period retention = Period.ofDays(90);
    /** Where this node's archives are kept, if the node can see it: expired ones there are deleted by the erasure run. */
    private Path dir;

    public Path getPassphraseFile() { return passphraseFile; }
    public void setPassphraseFile(Path passphraseFile) { this.passphraseFile = passphraseFile; }
    public Period getRetention() { return retention; }
    public void setRetention(Period retention) { this.retention = retention; }
    public Path getDir() { return dir; }
    public void setDir(Path dir) { this.dir = dir; }

    /** The passphrase: the file's first line, or the environment variable; null if neither is set. */
    public char[] passphrase() throws IOException {
        return passphrase(passphraseFile);
    }

    static char[] passphrase(Path file) throws IOException {
        if (file != null) {
            String text = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            return text.toCharArray();
        }
        String env = System.getenv(PASSPHRASE_ENV);
        return env == null ? null : env.toCharArray();
    }
}
