package org.jukibus.backup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.jukibus.approval.ApprovalProperties;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.AuditProperties;
import org.jukibus.audit.HashChainLog;
import org.jukibus.backup.BackupManifest.Entry;
import org.jukibus.backup.BackupManifest.Kind;
import org.jukibus.core.NodeConfigFile;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeSettings;
import org.jukibus.pki.KeyStores;
import org.jukibus.store.NodeStore;
import org.jukibus.store.StoreDump;
import org.jukibus.store.StoreSettings;

/**
 * Backup of a stopped node's state (第4の9(2)ア: important files copied to another disk) into one zip
 * archive: its home (broker journal with the messages still waiting, operation log, seen-message
 * records, legacy folders), its store's rows ({@link StoreDump}), and the files its config names
 * (the config itself, key store, trust store, password files, directory, CA certificate and CRL).
 * The archive therefore holds the node's private key and passwords: it is written owner-only (0600).
 */
public final class NodeBackup {

    /** What was written. */
    public record Result(Path archive, BackupManifest manifest, long bytes, java.time.Instant expiresAt) {
        public long files() {
            return manifest.entries().stream().filter(e -> e.kind() != Kind.TABLE).count();
        }

        public long tables() {
            return manifest.entries().stream().filter(e -> e.kind() == Kind.TABLE).count();
        }

        public long rows() {
            return manifest.entries().stream().mapToLong(Entry::rows).sum();
        }
    }

    private NodeBackup() {
    }

    /**
     * Backs up the node whose config file is {@code configFile} into {@code out} (which must not exist).
     * The backup is recorded in the node's operation log first, so the archive holds its own record.
     *
     * @param actor who made it, for the operation log
     */
    public static Result create(Path configFile, Path out, String actor, Clock clock) throws IOException, SQLException {
        Path config = configFile.toAbsolutePath().normalize();
        NodeConfigFile file = NodeConfigFile.read(config);
        NodeProperties properties = file.node();
        NodeSettings node = NodeSettings.from(properties);
        Path home = node.home().toAbsolutePath().normalize();
        Path archive = out.toAbsolutePath().normalize();
        if (Files.exists(archive)) {
            throw new IllegalArgumentException("refusing to overwrite " + archive + ": choose a new file for the backup");
        }
        if (archive.startsWith(home)) {
            throw new IllegalArgumentException("the archive " + archive + " must not be inside the node's home " + home
                    + " (it would back itself up; keep backups on another disk)");
        }
        BackupProperties backup = file.bind("jukibus.backup", BackupProperties.class);
        char[] passphrase = backup.passphrase();
        if (passphrase == null) {
            throw new IllegalArgumentException("a backup holds the node's keys and personal data and is written encrypted: set "
                    + "jukibus.backup.passphrase-file in the config file or the environment variable " + BackupProperties.PASSPHRASE_ENV);
        }
        java.time.Instant expiresAt = clock.instant().atZone(java.time.ZoneOffset.UTC).plus(backup.getRetention()).toInstant();
        try (StoppedNode stopped = StoppedNode.hold(home, node.code())) {
            AuditProperties audit = file.bind("jukibus.audit", AuditProperties.class);
            Path auditDir = (audit.getDir() != null ? audit.getDir() : home.resolve("audit")).toAbsolutePath().normalize();

            try (HashChainLog log = HashChainLog.open(auditDir, clock, "node:" + node.code(),
                    KeyStores.readKeyStore(node.keystore(), node.storePassword().toCharArray()), audit.getMaxFileBytes())) {
                log.record(AuditEvent.of(AuditKind.OPERATION).actor(actor).detail("node backup to " + archive.getFileName()));
            } // closing seals it: the archive holds a sealed log

            Files.createDirectories(archive.getParent());
            boolean posix = Files.getFileAttributeView(archive.getParent(), java.nio.file.attribute.PosixFileAttributeView.class) != null;
            Path tmp = Files.createTempFile(archive.getParent(), "." + archive.getFileName(), ".part", posix // the archive holds secrets
                    ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new java.nio.file.attribute.FileAttribute<?>[0]);
            try {
                BackupManifest manifest;
                try (OutputStream fileOut = Files.newOutputStream(tmp);
                     ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(
                             BackupEncryption.encrypting(fileOut, passphrase, expiresAt)))) {
                    List<Entry> entries = new ArrayList<>();
                    Path storeDir = StoreSettings.from(properties.getStore(), home, node.code()).directory().toAbsolutePath().normalize();
                    for (Path f : regularFiles(home)) {
                        if (!f.startsWith(storeDir)) { // the embedded server's files: its rows are copied below instead
                            entries.add(addFile(zip, f, "home/" + slashes(home.relativize(f)), Kind.HOME, slashes(home.relativize(f))));
                        }
                    }
                    int n = 0;
                    for (Path f : namedFiles(config, properties, file.bind("jukibus.approval", ApprovalProperties.class), auditDir)) {
                        if (!f.startsWith(home)) {
                            entries.add(addFile(zip, f, "files/" + (n++) + "/" + f.getFileName(), Kind.FILE, f.toString()));
                        }
                    }
                    List<String> migrations = dumpStore(zip, properties, home, node.code(), entries);
                    manifest = new BackupManifest(BackupManifest.FORMAT, node.role().id(), node.code(), clock.instant().toString(),
                            config.toString(), home.toString(), migrations, entries);
                    zip.putNextEntry(new ZipEntry(BackupManifest.NAME));
                    zip.write(BackupArchive.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                    zip.closeEntry();
                    zip.finish();
                }
                try (java.nio.channels.FileChannel sync = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    sync.force(true);
                }
                try {
                    Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, archive);
                }
                return new Result(archive, manifest, Files.size(archive), expiresAt);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Every table in one repeatable-read transaction: one consistent picture of the store. */
    private static List<String> dumpStore(ZipOutputStream zip, NodeProperties properties, Path home, String code, List<Entry> entries)
            throws IOException, SQLException {
        try (NodeStore store = NodeStore.open(StoreSettings.from(properties.getStore(), home, code));
             Connection c = store.dataSource().getConnection()) {
            StoreDump.beginSnapshot(c);
            List<String> migrations = StoreDump.appliedMigrations(c);
            for (String table : StoreDump.tables(c)) {
                String name = "store/" + table + ".copy";
                zip.putNextEntry(new ZipEntry(name));
                HashingStream h = new HashingStream(zip);
                long rows = StoreDump.dump(c, table, h);
                h.close();
                zip.closeEntry();
                entries.add(new Entry(name, Kind.TABLE, table, h.size(), h.sha256(), null, rows));
            }
            c.commit();
            return migrations;
        }
    }

    private static Entry addFile(ZipOutputStream zip, Path f, String name, Kind kind, String target) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        HashingStream h = new HashingStream(zip);
        Files.copy(f, h);
        h.close();
        zip.closeEntry();
        String permissions = Files.getFileAttributeView(f, java.nio.file.attribute.PosixFileAttributeView.class) == null ? null
                : PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
        return new Entry(name, kind, target, h.size(), h.sha256(), permissions, 0);
    }

    /** The config file and every file it names (keys, passwords, directory, CA, officer certificate, a log kept elsewhere). */
    private static Set<Path> namedFiles(Path config, NodeProperties p, ApprovalProperties approval, Path auditDir) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        files.add(config);
        for (Path f : new Path[] {p.getPki().getKeystore(), p.getPki().getTruststore(), p.getPki().getPasswordFile(),
                p.getPki().getRootCa(), p.getPki().getCrl(), p.getDirectory().getFile(), p.getStore().getPasswordFile(),
                approval.getOfficerCertificate()}) {
            if (f != null && Files.isRegularFile(f)) {
                files.add(f.toAbsolutePath().normalize());
            }
        }
        files.addAll(regularFiles(auditDir));
        return files;
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(f -> f.toAbsolutePath().normalize()).sorted().toList();
        }
    }

    private static String slashes(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}
