package org.jukibus.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checked at start: the store's commits are on disk when they return. The node records before it acts (a message's
 * payload, digest and open status before the send; a delivered id before the acknowledgement), so a commit the
 * database server loses in a crash after confirming it means duplicates and false reports. {@code synchronous_commit}
 * is read as the node's own session sees it ({@code SHOW}), so a value set for its role, its database or in the URL's
 * {@code options} counts, not only the server's file. {@code off} returns before the WAL is flushed; {@code local}
 * before a synchronous standby has it, so a failover to that standby loses it.
 */
final class StoreDurability {

    static final String ALLOW_KEY = "jukibus.store.allow-asynchronous-commit";

    private static final Logger log = LoggerFactory.getLogger(StoreDurability.class);
    private static final Set<String> NOT_DURABLE = Set.of("off", "local");

    private StoreDurability() {
    }

    /** Refuses the store (naming the setting and the fix) unless its commits are durable or {@code allowed}. */
    static void require(DataSource store, String location, boolean allowed) {
        String value = synchronousCommit(store, location);
        if (!NOT_DURABLE.contains(value)) {
            return;
        }
        String why = "the store at " + location + " runs this node's session with synchronous_commit = " + value + ": a commit "
                + (value.equals("off") ? "returns before it is on disk" : "returns before the synchronous standby has it")
                + ", so a crash of the database server" + (value.equals("off") ? "" : " followed by a failover")
                + " can lose what the node recorded as done (the status of a message it sent, the id of one it delivered:"
                + " duplicates and false reports)";
        if (allowed) {
            log.warn("{}; accepted ({}=true)", why, ALLOW_KEY);
            return;
        }
        throw new IllegalStateException(why + ". Set it to on for the node's login (ALTER ROLE <user> SET synchronous_commit"
                + " = on, or ALTER DATABASE, or postgresql.conf; check with SHOW synchronous_commit as that user, and no"
                + " options=-c synchronous_commit in " + StoreSettings.URL_KEY + "), or set " + ALLOW_KEY
                + "=true to accept the risk");
    }

    private static String synchronousCommit(DataSource store, String location) {
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1).trim().toLowerCase(java.util.Locale.ROOT);
        } catch (SQLException e) {
            throw new IllegalStateException("the node cannot read synchronous_commit of its store at " + location + ": "
                    + e.getMessage());
        }
    }
}
