package org.jukibus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.jukibus.core.NodeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No statement of the node waits for ever on its store: every pooled connection, embedded or external, has a statement
 * and a lock timeout (a lock nobody releases hung a flow for good); the operator's own in {@code jukibus.store.url}'s
 * {@code options} stands; a backup's transaction lifts the statement timeout for itself only.
 */
class StoreTimeoutsTest {

    @TempDir
    Path dir;

    @Test
    void the_embedded_store_has_a_statement_and_a_lock_timeout_and_a_backup_lifts_one_for_its_transaction_only() throws Exception {
        StoreSettings settings = StoreSettings.from(new NodeProperties.Store(), dir.resolve("home"), "131041");
        try (NodeStore store = NodeStore.open(settings);
             Connection c = store.dataSource().getConnection()) {
            assertThat(show(c, "statement_timeout")).isEqualTo("50min");
            assertThat(show(c, "lock_timeout")).isEqualTo("10min");

            StoreDump.beginSnapshot(c);
            assertThat(show(c, "statement_timeout")).as("inside the dump's transaction").isEqualTo("0");
            c.rollback();
            c.setReadOnly(false);
            c.setAutoCommit(true);
            assertThat(show(c, "statement_timeout")).as("after it: the pool's connection has its timeout back").isEqualTo("50min");
        }
    }

    @Test
    void a_lock_nobody_releases_fails_the_waiting_statement_and_the_operators_own_timeout_stands() throws Exception {
        try (SharedPostgres server = SharedPostgres.start(dir.resolve("server"))) {
            StoreAccess access = server.createDatabase("131041", dir.resolve("131041.pass"));
            NodeProperties.Store p = new NodeProperties.Store();
            p.setUrl(access.url() + "?options=-c%20lock_timeout%3D300");
            p.setUsername(access.username());
            p.setPasswordFile(access.passwordFile());
            try (NodeStore store = NodeStore.open(StoreSettings.from(p, dir.resolve("home"), "131041"));
                 Connection holder = store.dataSource().getConnection();
                 Connection waiter = store.dataSource().getConnection()) {
                assertThat(show(waiter, "lock_timeout")).as("the operator's").isEqualTo("300ms");
                assertThat(show(waiter, "statement_timeout")).as("the node's, not set by the operator").isEqualTo("50min");
                try (Statement s = holder.createStatement()) {
                    s.execute("create table held (id int primary key)");
                    s.execute("insert into held values (1)");
                }
                holder.setAutoCommit(false);
                try (Statement s = holder.createStatement()) {
                    s.execute("select * from held where id = 1 for update"); // held, never released
                }
                long start = System.nanoTime();
                assertThatThrownBy(() -> {
                    try (Statement s = waiter.createStatement()) {
                        s.execute("update held set id = 2 where id = 1");
                    }
                }).isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P03"));
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
                holder.rollback();
            }
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
