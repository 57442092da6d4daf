package org.jukibus.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
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
import org.jukibus.store.Migrations;
import org.jukibus.core.NodeRole;

/**
 * Restores a node from a {@link NodeBackup} archive into an empty home and an empty store (第4の9(2)イ: recovery
 * from the recorded data): every file goes back where the backup found it, the store is migrated with the
 * very migrations the backup's store had and gets the backup's rows. Started afterwards, the node has its
 * waiting messages (journal, with its duplicate-detection ids), its store rows and its operation log, which
 * records the restore.
 *
 * <p>Nothing is written unless the whole archive checks out, the home is empty or absent, no file it would
 * write exists with other content, and the store is empty and takes exactly the backup's migrations; files
 * written before a refusal of the store are removed again.
 */
public final class NodeRestore {

    /**
     * What was restored.
     *
     * @param files     files written
     * @param unchanged files outside the home that were there already with the backup's content
     */
    public record Result(BackupManifest manifest, long files, long unchanged, long rows) {
    }

    private NodeRestore() {
    }

    /** Restores with the passphrase from {@value BackupProperties#PASSPHRASE_ENV}. */
    /**
     * Restores an encrypted archive (decrypted first into a private temporary file, removed afterwards) or a plain one
     * made before backups were encrypted; an expired archive is refused (it may hold records erased since). A plain
     * archive carries no expiry of its own: it expires {@code plainRetention} after its manifest's time.
     */
    public static Result restore(Path archivePath, char[] passphrase, java.time.Period plainRetention, String actor, Clock clock)
            throws IOException, SQLException {
        byte[] head;
        try (InputStream in = Files.newInputStream(archivePath)) {
            head = in.readNBytes(BackupEncryption.MAGIC.length);
        }
        java.time.Instant expiresAt = ExpiredBackups.expiresAt(archivePath, plainRetention);
        if (!BackupEncryption.isEncrypted(head) && expiresAt == null) {
            return restorePlain(archivePath, actor, clock); // not a readable backup: restorePlain says what is wrong with it
        }
        if (expiresAt == null || !expiresAt.isAfter(clock.instant())) {
            throw new BackupRejectedException(archivePath + " expired at " + expiresAt + " (jukibus.backup.retention): it may hold "
                    + "records erased since and must not be restored; destroy it");
        }
        if (!BackupEncryption.isEncrypted(head)) {
            return restorePlain(archivePath, actor, clock);
        }
        if (passphrase == null) {
            throw new IllegalArgumentException(archivePath + " is encrypted: give its passphrase (--passphrase-file, or the "
                    + "environment variable " + BackupProperties.PASSPHRASE_ENV + ")");
        }
        Path dir = Files.createTempDirectory("jukibus-restore", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path plain = dir.resolve(archivePath.getFileName());
        try {
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(archivePath));
                 java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(plain))) {
                BackupEncryption.decrypt(in, out, passphrase);
            }
            return restorePlain(plain, actor, clock);
        } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(dir);
        }
    }

    private static Result restorePlain(Path archivePath, String actor, Clock clock) throws IOException, SQLException {
        try (BackupArchive archive = BackupArchive.open(archivePath)) {
            BackupManifest m = archive.manifest();
            Path home = Path.of(m.home()).toAbsolutePath().normalize();
            requireEmpty(home);
            boolean homeExisted = Files.isDirectory(home);
            List<Path> written = new ArrayList<>();
            NodeStore store = null;
            NodeConfigFile config;
            long files = 0;
            try {
                for (Entry e : m.entries()) {
                    if (e.kind() == Kind.FILE && write(archive, e, Path.of(e.target()))) {
                        written.add(Path.of(e.target()));
                    }
                }
                for (Entry e : m.entries()) {
                    if (e.kind() == Kind.HOME) {
                        Path target = home.resolve(e.target()).normalize();
                        if (!target.startsWith(home)) {
                            throw new BackupRejectedException(archivePath + ": " + e.name() + " would be written outside the home (" + target + ")");
                        }
                        write(archive, e, target);
                        files++;
                    }
                }
                config = NodeConfigFile.read(Path.of(m.configFile()));
                NodeProperties properties = config.node();
                if (properties.getRole() == null || !m.role().equals(properties.getRole().id()) || !m.code().equals(properties.getCode())
                        || properties.getHome() == null || !home.equals(properties.getHome().toAbsolutePath().normalize())) {
                    throw new BackupRejectedException("the config file " + m.configFile() + " does not describe the backed-up node ("
                            + m.role() + " " + m.code() + " in " + home + ")");
                }
                store = NodeStore.open(StoreSettings.from(properties.getStore(), home, m.code()));
                requireEmptyStore(store, migrationsOf(store, m.role()), m);
            } catch (IOException | SQLException | RuntimeException e) {
                if (store != null) {
                    store.close();
                }
                for (Path f : written) {
                    Files.deleteIfExists(f);
                }
                emptyAgain(home, homeExisted); // it was empty: leave it so, and the restore can be run again
                throw e;
            }
            try (NodeStore s = store) {
                migrationsOf(s, m.role()).migrate();
                long rows = loadTables(archive, s);
                recordRestore(config, home, m, actor, clock);
                long outside = m.entries().stream().filter(e -> e.kind() == Kind.FILE).count();
                return new Result(m, files + written.size(), outside - written.size(), rows);
            }
        }
    }

    private static void emptyAgain(Path home, boolean keepHome) throws IOException {
        if (!Files.isDirectory(home)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(home)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (keepHome && p.equals(home)) {
                    continue;
                }
                Files.delete(p);
            }
        }
    }

    /** All tables in one transaction: the store has every row of the backup or none. */
    private static long loadTables(BackupArchive archive, NodeStore store) throws SQLException, IOException {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                StoreDump.untimed(c);
                List<Entry> tables = archive.manifest().entries().stream().filter(e -> e.kind() == Kind.TABLE).toList();
                List<String> present = StoreDump.tables(c);
                StoreDump.empty(c, present); // rows a migration inserted are in the backup too
                long rows = 0;
                for (String table : present) {
                    for (Entry e : tables) {
                        if (e.target().equals(table)) {
                            try (InputStream in = archive.open(e)) {
                                rows += StoreDump.load(c, table, in);
                            }
                        }
                    }
                }
                List<String> unknown = tables.stream().map(Entry::target).filter(t -> !present.contains(t)).toList();
                if (!unknown.isEmpty()) {
                    throw new BackupRejectedException("the backup holds rows of tables the migrations do not create: " + unknown);
                }
                forgetSecurityTotals(c, present);
                c.commit();
                return rows;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The restored store counts its security events from a new time (monitoring.SecurityTotals starts counting again):
     * with the backup's start time, central would take its totals for the same store's and count only what they grew
     * past the higher totals it recorded before the restore, losing the events in between.
     */
    private static void forgetSecurityTotals(Connection c, List<String> present) throws SQLException {
        if (present.contains("security_event_total")) {
            try (var delete = c.createStatement()) {
                delete.executeUpdate("DELETE FROM security_event_total");
            }
        }
    }

    /** The node's migrations, as the node itself runs them at start (store.Migrations). */
    private static Flyway migrationsOf(NodeStore store, String role) {
        return Flyway.configure().dataSource(store.dataSource())
                .locations(Migrations.locations(NodeRole.fromId(role)).toArray(String[]::new))
                .outOfOrder(true).load();
    }

    private static void requireEmptyStore(NodeStore store, Flyway flyway, BackupManifest m) throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            if (!StoreDump.isEmpty(c)) {
                throw new BackupRejectedException("the store " + store.location() + " is not empty: a node is restored into an empty "
                        + "store only (create a new database, or remove the old one's tables)");
            }
        }
        List<String> available = Arrays.stream(flyway.info().pending())
                .map(i -> i.getVersion().getVersion() + ":" + i.getChecksum()).toList();
        List<String> wanted = m.migrations();
        if (!StoreDump.inVersionOrder(available).equals(StoreDump.inVersionOrder(wanted))) {
            throw new BackupRejectedException("the backup's store had the migrations " + wanted + " but this jukibus has "
                    + available + ": restore with the jukibus version that made the backup, then upgrade");
        }
    }

    private static void requireEmpty(Path home) throws IOException {
        if (Files.isDirectory(home)) {
            try (Stream<Path> files = Files.list(home)) {
                if (files.findAny().isPresent()) {
                    throw new BackupRejectedException("the node's home " + home + " is not empty: a node is restored into an empty "
                            + "home only (move the old one aside)");
                }
            }
        } else if (Files.exists(home)) {
            throw new BackupRejectedException("the node's home " + home + " is not a directory");
        }
    }

    /** Writes an entry's file; false if an identical file was there already. */
    private static boolean write(BackupArchive archive, Entry e, Path target) throws IOException {
        if (Files.exists(target)) {
            HashingStream h = new HashingStream(java.io.OutputStream.nullOutputStream());
            Files.copy(target, h);
            h.close();
            if (h.sha256().equals(e.sha256())) {
                return false;
            }
            throw new BackupRejectedException("refusing to overwrite " + target + ", which differs from the backup's copy "
                    + "(move it aside to restore the backup's)");
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".restoring");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, e.permissions() != null && Files.getFileAttributeView(target.getParent(), PosixFileAttributeView.class) != null
                ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(e.permissions()))}
                : new java.nio.file.attribute.FileAttribute<?>[0]);
        try (InputStream in = archive.open(e); java.io.OutputStream out = Files.newOutputStream(tmp)) {
            in.transferTo(out);
        }
        Files.move(tmp, target);
        return true;
    }

    private static void recordRestore(NodeConfigFile config, Path home, BackupManifest m, String actor, Clock clock) throws IOException {
        NodeSettings node = NodeSettings.from(config.node());
        AuditProperties audit = config.bind("jukibus.audit", AuditProperties.class);
        Path auditDir = audit.getDir() != null ? audit.getDir() : home.resolve("audit");
        try (HashChainLog log = HashChainLog.open(auditDir, clock, "node:" + m.code(),
                KeyStores.readKeyStore(node.keystore(), node.storePassword().toCharArray()), audit.getMaxFileBytes())) {
            log.record(AuditEvent.of(AuditKind.OPERATION).actor(actor).detail("node restored from the backup of " + m.createdAt()));
        }
    }
}
