package org.jukibus.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A node's store table by table, as PostgreSQL's own COPY text format: what {@code jukibus node backup}
 * writes and {@code jukibus node restore} reads. The embedded PostgreSQL binaries carry no pg_dump, and
 * an external server's may be another version, so the node copies its tables itself through JDBC. The
 * schema is not copied: it is the node's migrations, which a restore runs first and requires to be the
 * very ones the backup's store had ({@link #appliedMigrations}).
 */
public final class StoreDump {

    /** Flyway's bookkeeping: compared, never copied (the restore's own migration run writes it). */
    static final String HISTORY = "flyway_schema_history";

    private StoreDump() {
    }

    /**
     * Starts the transaction a dump runs in: repeatable read, so every table is read as of one instant
     * even if something else still writes (an external server's other users), and read-only.
     */
    public static void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        untimed(c);
    }

    /**
     * Lifts the node's statement timeout (StoreSettings#sessionTimeouts) for the transaction open on {@code c} (it must
     * not be in auto-commit): a backup's or a restore's COPY of central's largest tables may take longer, and is watched
     * by the operator who runs it. SET LOCAL: the pool's connection gets its timeout back at the transaction's end.
     */
    public static void untimed(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("SET LOCAL statement_timeout = 0");
        }
    }

    /** The node's tables (without Flyway's), referenced tables before those that reference them. */
    public static List<String> tables(Connection c) throws SQLException {
        Set<String> tables = new LinkedHashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select table_name from information_schema.tables where table_schema = current_schema()"
                     + " and table_type = 'BASE TABLE' order by table_name")) {
            while (rs.next()) {
                if (!HISTORY.equals(rs.getString(1))) {
                    tables.add(rs.getString(1));
                }
            }
        }
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select child.relname, parent.relname from pg_constraint k"
                     + " join pg_class child on child.oid = k.conrelid join pg_class parent on parent.oid = k.confrelid"
                     + " join pg_namespace n on n.oid = child.relnamespace"
                     + " where k.contype = 'f' and n.nspname = current_schema()")) {
            while (rs.next()) {
                if (!rs.getString(1).equals(rs.getString(2))) { // a table referring to itself is loaded in one COPY
                    parents.computeIfAbsent(rs.getString(1), t -> new LinkedHashSet<>()).add(rs.getString(2));
                }
            }
        }
        List<String> ordered = new ArrayList<>();
        while (ordered.size() < tables.size()) {
            int before = ordered.size();
            for (String t : tables) {
                if (!ordered.contains(t) && ordered.containsAll(parents.getOrDefault(t, Set.of()))) {
                    ordered.add(t);
                }
            }
            if (ordered.size() == before) {
                throw new IllegalStateException("the store's foreign keys form a cycle between " + tables.stream().filter(t -> !ordered.contains(t)).toList());
            }
        }
        return ordered;
    }

    /** Writes every row of {@code table} to {@code out} (COPY text format); returns how many. */
    public static long dump(Connection c, String table, OutputStream out) throws SQLException, IOException {
        return copy(c).copyOut("COPY " + quoted(c, table) + " TO STDOUT", out);
    }

    /** Loads rows written by {@link #dump} into {@code table} (identity columns take the rows' values); returns how many. */
    public static long load(Connection c, String table, InputStream in) throws SQLException, IOException {
        long rows = copy(c).copyIn("COPY " + quoted(c, table) + " FROM STDIN", in);
        resetSequences(c, table);
        return rows;
    }

    /** Deletes every row of the node's tables, those referencing others first (what migrations may have inserted). */
    public static void empty(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int i = tables.size() - 1; i >= 0; i--) {
                s.executeUpdate("DELETE FROM " + quoted(c, tables.get(i)));
            }
        }
    }

    /** Migrations the store has applied, as {@code version:checksum}, in version order. */
    public static List<String> appliedMigrations(Connection c) throws SQLException {
        List<String> applied = new ArrayList<>();
        if (!tableExists(c, HISTORY)) {
            return applied;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version, checksum from " + HISTORY
                     + " where success and version is not null order by installed_rank")) {
            while (rs.next()) {
                applied.add(rs.getString(1) + ":" + rs.getObject(2));
            }
        }
        return inVersionOrder(applied);
    }

    /** {@code version:checksum} items in version order (as Flyway compares versions, not as text). */
    public static List<String> inVersionOrder(List<String> migrations) {
        List<String> sorted = new ArrayList<>(migrations);
        sorted.sort(java.util.Comparator.comparing(StoreDump::versionKey));
        return sorted;
    }

    /** True if the store has no table at all (nothing migrated yet): the only store a restore writes into. */
    public static boolean isEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from information_schema.tables where table_schema = current_schema()")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select 1 from information_schema.tables where table_schema = current_schema() and table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Serial and identity sequences continue after the highest restored value, so new rows do not collide. */
    private static void resetSequences(Connection c, String table) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select a.attname, pg_get_serial_sequence(quote_ident(?), a.attname)"
                + " from pg_attribute a join pg_class t on t.oid = a.attrelid join pg_namespace n on n.oid = t.relnamespace"
                + " where t.relname = ? and n.nspname = current_schema() and a.attnum > 0 and not a.attisdropped")) {
            ps.setString(1, table);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2) != null) {
                        owned.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
        }
        for (String[] column : owned) {
            try (PreparedStatement ps = c.prepareStatement("select setval(?, coalesce((select max(" + quoted(c, column[0]) + ") from "
                    + quoted(c, table) + "), 0) + 1, false)")) {
                ps.setString(1, column[1]);
                ps.executeQuery().close();
            }
        }
    }

    private static CopyManager copy(Connection c) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI();
    }

    private static String quoted(Connection c, String identifier) throws SQLException {
        return c.unwrap(PGConnection.class).escapeIdentifier(identifier);
    }

    private static String versionKey(String versionAndChecksum) {
        String version = versionAndChecksum.substring(0, versionAndChecksum.indexOf(':'));
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            key.append(String.format("%010d", Long.parseLong(part.replaceAll("\\D", "0"))));
        }
        return key.toString();
    }
}
