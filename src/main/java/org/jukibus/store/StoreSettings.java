package org.jukibus.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.core.NodeProperties;
import org.jukibus.pki.SecureFiles;

/**
 * Where a node's store is, checked once at start-up like {@code NodeSettings}: a database on an
 * external PostgreSQL server ({@code jukibus.store.url}) or the node's own embedded server under
 * {@code home/store/}. A misconfigured store stops the node with every problem named by its key.
 */
public record StoreSettings(String code, String url, String username, String password, Path directory, int poolSize,
                            boolean allowAsynchronousCommit) {

    static final String URL_KEY = "jukibus.store.url";
    static final String USERNAME_KEY = "jukibus.store.username";
    static final String PASSWORD_FILE_KEY = "jukibus.store.password-file";
    static final String POOL_SIZE_KEY = "jukibus.store.pool-size";

    /** @param home the node's data directory; the embedded server lives in its {@code store/} */
    public static StoreSettings from(NodeProperties.Store p, Path home, String code) throws IOException {
        List<String> problems = new ArrayList<>();
        String url = p.getUrl() == null || p.getUrl().isBlank() ? null : p.getUrl().trim();
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            problems.add(URL_KEY + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), not " + withoutParameters(url));
        }
        if (url == null && p.getUsername() != null) {
            problems.add(USERNAME_KEY + " is set but " + URL_KEY + " is not (the embedded store needs no login)");
        }
        if (url == null && p.getPasswordFile() != null) {
            problems.add(PASSWORD_FILE_KEY + " is set but " + URL_KEY + " is not (the embedded store makes its own password)");
        }
        if (url != null && p.getPasswordFile() != null && !Files.isRegularFile(p.getPasswordFile())) {
            problems.add(PASSWORD_FILE_KEY + ": " + p.getPasswordFile().toAbsolutePath() + " does not exist");
        }
        if (p.getPoolSize() < 1) {
            problems.add(POOL_SIZE_KEY + " must be at least 1, not " + p.getPoolSize());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("store configuration is wrong:\n  - " + String.join("\n  - ", problems));
        }
        String password = url != null && p.getPasswordFile() != null ? new String(SecureFiles.readPassword(p.getPasswordFile())) : null;
        return new StoreSettings(code, url, url != null ? p.getUsername() : null, password, home.resolve("store"), p.getPoolSize(),
                p.isAllowAsynchronousCommit());
    }

    /** No {@code jukibus.store.url}: the node runs its own PostgreSQL in {@link #directory()}. */
    public boolean embedded() {
        return url == null;
    }

    /** The embedded server's data directory, {@code home/store/pgdata}. */
    public Path dataDirectory() {
        return directory.resolve("pgdata");
    }

    /**
     * What the node adds to an external store's connections unless {@code jukibus.store.url} sets it: a read that
     * waits longer than {@code socketTimeout} seconds fails, and TCP keep-alive is on. pgjdbc waits for ever by default,
     * and a connection the network dropped silently (a firewall's idle timeout, a server that died without a reset)
     * would hang the thread reading from it for good: a delivery, or a periodic job (the 5-year erasure, the purges)
     * that then stops without a word. An hour: it applies to every statement on the pool, Flyway's migrations
     * included, and a migration or purge on central's largest tables must not be cut off (a node that fails its
     * migration at every start never starts); a hang is seen sooner by the job liveness (management.JobLiveness).
     */
    Map<String, String> externalConnectionDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("socketTimeout", "3600");
        defaults.put("tcpKeepAlive", "true");
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String parameter : url.substring(q + 1).split("&")) {
                String name = parameter.split("=", 2)[0];
                defaults.remove(name); // pgjdbc's parameter names are case-sensitive
            }
        }
        return defaults;
    }

    /**
     * What the node sets on each of its store connections (embedded or external) unless the {@code options} of
     * {@code jukibus.store.url} set it ({@code ?options=-c%20lock_timeout%3D2min}): a statement that runs longer than
     * 50 minutes, or waits longer than 10 minutes for a lock, fails. PostgreSQL waits for ever by default, so a lock
     * nobody releases (a session stuck inside a transaction, an operator's {@code LOCK TABLE} left open) hung every
     * delivery, job or purge that touched the row or table, for good and without a word. What fails is seen and tried
     * again (flow.DeliveryFailures#storeTimeout): a lock not got in time (55P03) and a statement cancelled (57014) are an
     * outage of the store, as if it were down: a message waits on the broker, a legacy file in its drop folder, a timer
     * route's round is an outage round; nothing is dead-lettered for it, but a delivery whose statement times out
     * while the store answers a trivial query (flow.SlowStatements: slow for its own message) after a few. Longer than any statement the node runs for itself: an identity bulk update is written 1,000 records
     * per statement (tens of milliseconds each, bench/results.md), the hourly purges delete one hour's rows (measured:
     * 1.7 million seen_message-shaped rows in one delete, 4.3 s on a loaded 2-core machine), a migration may take minutes; the backup's and the restore's COPY statements lift
     * the statement timeout for their own transaction ({@link StoreDump#untimed}). Below the external store's one-hour
     * {@code socketTimeout}, so that the server ends a statement before the driver gives up the connection.
     */
    Map<String, String> sessionTimeouts() {
        Map<String, String> timeouts = new LinkedHashMap<>();
        timeouts.put("statement_timeout", "50min");
        timeouts.put("lock_timeout", "10min");
        String options = url == null ? null : parameter(url, "options");
        if (options != null) {
            // the operator's own setting stands: whole names of its -c name=value (deadlock_timeout is not lock_timeout)
            java.util.Set<String> named = new java.util.HashSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:-c\\s*|--)([A-Za-z_.]+)\\s*=").matcher(options);
            while (m.find()) {
                named.add(m.group(1).replace('-', '_'));
            }
            timeouts.keySet().removeIf(named::contains);
        }
        return timeouts;
    }

    /** {@link #sessionTimeouts} as the SQL the pool runs on each new connection, or null if there is none. */
    String sessionInitSql() {
        Map<String, String> timeouts = sessionTimeouts();
        if (timeouts.isEmpty()) {
            return null;
        }
        List<String> sets = new ArrayList<>();
        timeouts.forEach((name, value) -> sets.add("SET " + name + " = '" + value + "'"));
        return String.join("; ", sets);
    }

    /** The embedded server's connections: a read that waits longer than an hour fails (a server hung, not a statement). */
    Map<String, String> embeddedConnectionDefaults() {
        return Map.of("socketTimeout", "3600");
    }

    private static String parameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String parameter : url.substring(q + 1).split("&")) {
            String[] pair = parameter.split("=", 2);
            if (pair[0].equals(name)) {
                return pair.length > 1 ? java.net.URLDecoder.decode(pair[1], java.nio.charset.StandardCharsets.UTF_8) : "";
            }
        }
        return null;
    }

    /** A URL as it may be shown: parameters (which may carry a password) cut off. */
    static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    @Override
    public String toString() { // never print the password
        return "StoreSettings[" + code + (embedded() ? " embedded in " + directory : " at " + withoutParameters(url)) + "]";
    }
}
