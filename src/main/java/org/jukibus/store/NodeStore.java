package org.jukibus.store;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's PostgreSQL store: its own embedded server in {@code home/store/} or a database on an
 * external server ({@code jukibus.store.url}), reached through a small connection pool. Closing
 * it closes the pool and stops the embedded server.
 */
public final class NodeStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeStore.class);
    /** The embedded server's database the node uses (the server is the node's alone). */
    static final String EMBEDDED_DATABASE = "postgres";

    private final StoreSettings settings;
    private final EmbeddedServer server; // null when external
    private final HikariDataSource pool;

    private NodeStore(StoreSettings settings, EmbeddedServer server, HikariDataSource pool) {
        this.settings = settings;
        this.server = server;
        this.pool = pool;
    }

    /** Starts the embedded server (stopping one a killed node left behind) or connects to the external one. */
    public static NodeStore open(StoreSettings settings) throws IOException {
        if (!settings.embedded()) {
            HikariDataSource pool = pool(settings, settings.url(), settings.username(), settings.password(),
                    settings.externalConnectionDefaults(), () ->
                    StoreSettings.URL_KEY + ": the node cannot use its store at " + StoreSettings.withoutParameters(settings.url())
                            + (settings.username() != null ? " as " + settings.username() : ""));
            try {
                StoreDurability.require(pool, StoreSettings.withoutParameters(settings.url()), settings.allowAsynchronousCommit());
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
            log.info("store: PostgreSQL at {}", StoreSettings.withoutParameters(settings.url()));
            return new NodeStore(settings, null, pool);
        }
        EmbeddedServer server = EmbeddedServer.start(settings.directory(), true, false);
        try {
            HikariDataSource pool = pool(settings, server.url(EMBEDDED_DATABASE), EmbeddedServer.SUPERUSER, server.superuserPassword(),
                    settings.embeddedConnectionDefaults(),
                    () -> "the node cannot use its embedded store in " + settings.dataDirectory());
            try {
                // the server starts with synchronous_commit on, but the database or the role may say otherwise
                StoreDurability.require(pool, settings.dataDirectory().toString(), settings.allowAsynchronousCommit());
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
            return new NodeStore(settings, server, pool);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static HikariDataSource pool(StoreSettings settings, String url, String user, String password,
                                         Map<String, String> driverDefaults, Supplier<String> what) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("jukibus-store-" + settings.code());
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        config.addDataSourceProperty("ApplicationName", "jukibus-" + settings.code());
        // a batch of inserts goes to the server as multi-row inserts (an identity update's 1,000 records: a few
        // statements instead of 1,000); the driver then reports no per-row counts, which nothing here reads
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        driverDefaults.forEach(config::addDataSourceProperty);
        // no statement or lock wait lasts for ever (StoreSettings#sessionTimeouts)
        String sessionInit = settings.sessionInitSql();
        if (sessionInit != null) {
            config.setConnectionInitSql(sessionInit);
        }
        try {
            return new HikariDataSource(config); // opens one connection now: an unreachable store stops the node at start
        } catch (HikariPool.PoolInitializationException e) {
            // no cause attached: `jukibus node` prints the root cause's message, which must name the setting
            throw new IllegalStateException(what.get() + ": " + reason(e));
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e.getCause() != null ? e.getCause() : e;
        String message = t.getMessage();
        if (t instanceof SQLException sql && sql.getCause() != null && sql.getCause().getMessage() != null) {
            message = message + " (" + sql.getCause().getMessage() + ")";
        }
        return message;
    }

    /** The pooled connections to the store. */
    public DataSource dataSource() {
        return pool;
    }

    /** True when this node runs its own PostgreSQL (no {@code jukibus.store.url}). */
    public boolean embedded() {
        return server != null;
    }

    /** Where the store is: the embedded data directory or the external URL without its parameters. */
    public String location() {
        return embedded() ? settings.dataDirectory().toString() : StoreSettings.withoutParameters(settings.url());
    }

    @Override
    public void close() throws IOException {
        try {
            pool.close();
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
