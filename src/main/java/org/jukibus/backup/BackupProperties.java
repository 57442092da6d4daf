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

    /**
     * The backup folder, checked: the erasure run deletes expired archives there, so a folder it cannot write (a
     * systemd unit without {@code ReadWritePaths=} for it) would keep them silently; the node refuses to start instead.
     */
    public Path requireWritableDir() {
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalStateException("jukibus.backup.dir " + dir + " is not a folder this node can write: the erasure "
                    + "run must delete expired backups there (create it, give the node's user write access, and under "
                    + "systemd add it to ReadWritePaths=, docs/deployment.md)");
        }
        return dir;
    }

    static char[] passphrase(Path file) throws IOException {
        if (file != null) {
            requirePrivate(file);
            String text = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            return text.toCharArray();
        }
        String env = System.getenv(PASSPHRASE_ENV);
        return env == null ? null : env.toCharArray();
    }

    /** A passphrase file others can read protects nothing: refused unless only its owner has access (0600 or 0400). */
    static void requirePrivate(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        java.util.Set<java.nio.file.attribute.PosixFilePermission> others = java.util.EnumSet.copyOf(perms);
        others.removeAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("the backup passphrase file " + file + " has mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ": only its owner may read it (chmod 600 " + file + ")");
        }
    }
}
