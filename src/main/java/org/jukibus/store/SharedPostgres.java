package org.jukibus.store;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.jukibus.pki.SecureFiles;

/**
 * One PostgreSQL server for a whole network run on one machine (the demo, the integration tests):
 * each node gets its own database and login on it ({@code node_<code>}) and reaches it as an
 * external server through {@code jukibus.store.url}. The nodes start without an initdb each, and
 * the external-server path runs wherever the tests run. Not durable (fsync off): it is thrown away
 * with the network.
 */
public final class SharedPostgres implements AutoCloseable {

    private static final Pattern CODE = Pattern.compile("[a-z0-9]+");

    private final EmbeddedServer server;

    private SharedPostgres(EmbeddedServer server) {
        this.server = server;
    }

    /** Starts the server with its files in {@code directory} (stopped at JVM exit if nobody closes it first). */
    public static SharedPostgres start(Path directory) throws IOException {
        return new SharedPostgres(EmbeddedServer.start(directory, false, true));
    }

    /** Stops the server a killed JVM left running in {@code directory}, before that directory is deleted or reused. */
    public static void stopLeftOver(Path directory) throws IOException {
        EmbeddedServer.stopOrphan(directory);
    }

    /**
     * Creates the database and login {@code node_<code>} (a new password, written to
     * {@code passwordFile}, mode 0600) and says how the node reaches them. Only that login may
     * connect to that database.
     */
    public StoreAccess createDatabase(String code, Path passwordFile) throws IOException {
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("not a node code: " + code);
        }
        String name = "node_" + code;
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            // names and password are [a-z0-9_] only: safe to write into DDL, which takes no parameters
            s.execute((exists(c, "select 1 from pg_roles where rolname = ?", name) ? "alter" : "create")
                    + " role " + name + " login password '" + password + "'");
            if (!exists(c, "select 1 from pg_database where datname = ?", name)) {
                s.execute("create database " + name + " owner " + name);
                s.execute("revoke all on database " + name + " from public");
            }
        } catch (SQLException e) {
            throw new IOException("could not create the store database " + name + ": " + e.getMessage(), e);
        }
        SecureFiles.writePassword(passwordFile, password.toCharArray());
        return new StoreAccess(server.url(name), name, passwordFile);
    }

    private static boolean exists(Connection c, String query, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A connection as the server's superuser (tests look into the nodes' databases with it). */
    public Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(server.url(database), EmbeddedServer.SUPERUSER, server.superuserPassword());
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
