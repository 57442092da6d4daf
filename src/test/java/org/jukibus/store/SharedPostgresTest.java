package org.jukibus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared server of tests and demo: a database and login per node, passwords required, its port outside the ephemeral
 * range, orphans stopped.
 */
class SharedPostgresTest {

    @TempDir
    Path dir;

    @Test
    void each_node_gets_its_own_database_and_login_and_nobody_gets_in_without_a_password() throws Exception {
        try (SharedPostgres server = SharedPostgres.start(dir.resolve("server"))) {
            StoreAccess shinjuku = server.createDatabase("131041", dir.resolve("131041.pass"));
            StoreAccess osaka = server.createDatabase("271004", dir.resolve("271004.pass"));

            assertThat(shinjuku.url()).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/node_131041");
            int[] chosen = LoopbackPorts.range();
            assertThat(server.port()).as("its port chosen outside the kernel's ephemeral range (LoopbackPorts)")
                    .isBetween(chosen[0], chosen[1] - 1);
            assertThat(Files.getPosixFilePermissions(shinjuku.passwordFile())).hasSize(2); // rw-------
            String password = new String(SecureFiles.readPassword(shinjuku.passwordFile()));
            try (Connection c = DriverManager.getConnection(shinjuku.url(), shinjuku.username(), password)) {
                assertThat(c.isValid(5)).isTrue();
            }
            assertThatThrownBy(() -> DriverManager.getConnection(osaka.url(), shinjuku.username(), password))
                    .as("another node's database").isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> DriverManager.getConnection(shinjuku.url(), shinjuku.username(), "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> DriverManager.getConnection(shinjuku.url(), "postgres", ""))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void a_server_nobody_owns_any_more_is_stopped_and_a_running_one_is_left_alone() throws Exception {
        Path pgdata = dir.resolve("server").resolve("pgdata");
        SharedPostgres server = SharedPostgres.start(dir.resolve("server"));
        try {
            long pid = OrphanedPostmaster.find(pgdata).orElseThrow().pid();
            assertThatThrownBy(() -> SharedPostgres.stopLeftOver(dir.resolve("server")))
                    .as("this JVM still owns it").hasMessageContaining("in use by another running process");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

            // what a restarted node does once the JVM that ran the server is gone (its lock with it)
            assertThat(OrphanedPostmaster.stopIfRunning(pgdata)).isTrue();
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(OrphanedPostmaster.find(pgdata)).isEmpty();
        } finally {
            server.close();
        }
    }
}
