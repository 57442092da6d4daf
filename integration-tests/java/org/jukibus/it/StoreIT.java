package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.node.NodeLauncher;
import org.jukibus.store.NodeStore;
import org.jukibus.store.SharedPostgres;
import org.jukibus.testing.Closing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The node's PostgreSQL store: the embedded default is migrated by Flyway and keeps its data
 * across restarts; the PostgreSQL of a node killed with SIGKILL keeps running (pg_ctl detaches
 * it) and is stopped by the restarted node; an external store that cannot be reached, a missing
 * password file, another node's store, or one whose commits are not flushed for the node's login stops the node
 * with the setting named; a node that fails to start stops the store it started early.
 */
@Tag("slow")
class StoreIT {

    @TempDir
    Path root;
    NodeProcess process;
    SharedPostgres shared;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(process, shared);
    }

    @Test
    void the_embedded_store_is_migrated_and_keeps_its_data_across_a_restart() throws Exception {
        ProvisionedNode shinjuku = provision(null).node(SHINJUKU);
        Path pgdata = shinjuku.home().resolve("store").resolve("pgdata");

        try (ConfigurableApplicationContext node = NodeLauncher.start(shinjuku.properties())) {
            assertThat(node.getBean(NodeStore.class).embedded()).isTrue();
            assertThat(Files.readString(pgdata.resolve("PG_VERSION")).trim()).as("PostgreSQL 14 in home/store/pgdata").isEqualTo("14");
            JdbcTemplate jdbc = node.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForList("select version from flyway_schema_history where success", String.class)).contains("1");
            assertThat(jdbc.queryForObject("select value from node_info where key = 'node.code'", String.class)).isEqualTo(SHINJUKU);
            assertThat(jdbc.queryForObject("show fsync", String.class)).as("a node's own store is durable").isEqualTo("on");
            assertThat(jdbc.queryForObject("show listen_addresses", String.class)).isEqualTo("127.0.0.1");
            var flyway = node.getBean(Flyway.class).getConfiguration();
            assertThat(flyway.getLocations()).extracting(Location::getDescriptor)
                    .containsExactly("classpath:db/migration/common", "classpath:db/migration/municipal");
            assertThat(flyway.isOutOfOrder()).as("a common migration added after a role's V100 still runs").isTrue();
            jdbc.update("insert into node_info (key, value) values ('test.written', 'before the restart')");
        }
        assertThat(postgresProcessesOf(pgdata)).as("the node stopped its PostgreSQL").isEmpty();

        try (ConfigurableApplicationContext node = NodeLauncher.start(shinjuku.properties())) {
            JdbcTemplate jdbc = node.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("select value from node_info where key = 'test.written'", String.class))
                    .isEqualTo("before the restart");
            assertThat(jdbc.queryForObject("select count(*) from flyway_schema_history where version = '1'", Integer.class))
                    .as("V1 applied once").isEqualTo(1);
        }
        assertThat(postgresProcessesOf(pgdata)).isEmpty();
    }

    @Test
    void the_postgres_of_a_killed_node_process_is_stopped_when_the_node_restarts() throws Exception {
        Network network = provision(null);
        NetworkProvisioner.writeConfigFiles(network);
        ProvisionedNode shinjuku = network.node(SHINJUKU);
        Path pgdata = shinjuku.home().resolve("store").resolve("pgdata");

        process = new NodeProcess(shinjuku).start().awaitStarted(Duration.ofSeconds(180));
        long firstPostmaster = postmasterPid(pgdata);
        try (Connection c = superuser(shinjuku)) {
            execute(c, "insert into node_info (key, value) values ('test.written', 'before the kill')");
        }

        process.kill(); // SIGKILL: no shutdown hook stops the store
        assertThat(ProcessHandle.of(firstPostmaster).map(ProcessHandle::isAlive)).as("PostgreSQL outlives the killed node").contains(true);
        assertThat(postgresProcessesOf(pgdata)).isNotEmpty();

        process.start().awaitStarted(Duration.ofSeconds(180));
        assertThat(Files.readString(shinjuku.home().resolve("node-1.log"), StandardCharsets.UTF_8))
                .contains("from a node that did not stop cleanly; stopping it");
        assertThat(ProcessHandle.of(firstPostmaster).filter(ProcessHandle::isAlive)).as("the orphan was stopped").isEmpty();
        assertThat(postmasterPid(pgdata)).isNotEqualTo(firstPostmaster);
        try (Connection c = superuser(shinjuku)) {
            assertThat(query(c, "select value from node_info where key = 'test.written'")).isEqualTo("before the kill");
            assertThat(query(c, "select value from node_info where key = 'node.code'")).isEqualTo(SHINJUKU);
        }

        process.stop(); // SIGTERM: a clean stop takes its PostgreSQL along
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(postgresProcessesOf(pgdata)).as("PostgreSQL left running on " + pgdata).isEmpty());
        assertThat(pgdata.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void an_external_store_that_cannot_be_reached_stops_the_node_naming_the_setting() throws Exception {
        ProvisionedNode shinjuku = provision(null).node(SHINJUKU);
        int closedPort = LoopbackPorts.next(); // nothing listens there
        Path passwordFile = root.resolve("store.pass");
        Files.writeString(passwordFile, "secret\n");

        assertThatThrownBy(() -> start(shinjuku, Map.of(
                "jukibus.store.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/node_" + SHINJUKU,
                "jukibus.store.username", "node_" + SHINJUKU,
                "jukibus.store.password-file", passwordFile.toString())))
                .hasStackTraceContaining("jukibus.store.url: the node cannot use its store at jdbc:postgresql://127.0.0.1:" + closedPort)
                .hasStackTraceContaining("refused");
        assertThat(shinjuku.home().resolve("store")).as("no embedded store instead").doesNotExist();
    }

    @Test
    void a_missing_password_file_stops_the_node_naming_the_setting() throws Exception {
        ProvisionedNode shinjuku = provision(null).node(SHINJUKU);
        Path missing = root.resolve("no-such.pass");

        assertThatThrownBy(() -> start(shinjuku, Map.of(
                "jukibus.store.url", "jdbc:postgresql://127.0.0.1:5432/node_" + SHINJUKU,
                "jukibus.store.username", "node_" + SHINJUKU,
                "jukibus.store.password-file", missing.toString())))
                .hasStackTraceContaining("jukibus.store.password-file: " + missing + " does not exist");
    }

    @Test
    void a_node_that_fails_to_start_stops_the_store_it_started_early() throws Exception {
        ProvisionedNode shinjuku = provision(null).node(SHINJUKU);
        Path pgdata = shinjuku.home().resolve("store").resolve("pgdata");
        Path missing = root.resolve("no-such-truststore.p12");

        // the embedded store starts while the node reads its settings (EarlyStoreStart); the settings then stop the node
        assertThatThrownBy(() -> start(shinjuku, Map.of("jukibus.pki.truststore", missing.toString())))
                .hasStackTraceContaining("jukibus.pki.truststore: " + missing + " does not exist");
        assertThat(pgdata.resolve("PG_VERSION")).as("the store was started before the settings were checked").exists();
        assertThat(postgresProcessesOf(pgdata)).as("and stopped with the node").isEmpty();
    }

    @Test
    void a_node_refuses_the_store_of_another_node() throws Exception {
        shared = SharedPostgres.start(root.resolve("shared-store"));
        Network network = provision(shared);
        start(network.node(SHINJUKU), Map.of()); // claims its database on the shared server
        try (Connection c = shared.superuser("node_" + SHINJUKU)) {
            assertThat(query(c, "select value from node_info where key = 'node.code'")).isEqualTo(SHINJUKU);
        }

        Map<String, Object> shinjukusStore = new HashMap<>();
        for (String key : List.of("jukibus.store.url", "jukibus.store.username", "jukibus.store.password-file")) {
            shinjukusStore.put(key, network.node(SHINJUKU).properties().get(key));
        }
        assertThatThrownBy(() -> start(network.node(OSAKA), shinjukusStore))
                .hasStackTraceContaining("belongs to municipal node " + SHINJUKU + ", not to this node (municipal " + OSAKA + ")")
                .hasStackTraceContaining("jukibus.store.url");
    }

    @Test
    void an_external_store_whose_commits_are_not_flushed_for_the_nodes_login_stops_the_node_naming_the_setting() throws Exception {
        shared = SharedPostgres.start(root.resolve("shared-store"));
        Network network = provision(shared);
        String user = (String) network.node(SHINJUKU).properties().get("jukibus.store.username");
        try (Connection c = shared.superuser("postgres")) {
            execute(c, "ALTER ROLE \"" + user + "\" SET synchronous_commit = off");
        }

        assertThatThrownBy(() -> start(network.node(SHINJUKU), Map.of()))
                .hasStackTraceContaining("runs this node's session with synchronous_commit = off")
                .hasStackTraceContaining("ALTER ROLE <user> SET synchronous_commit = on")
                .hasStackTraceContaining("jukibus.store.allow-asynchronous-commit=true");
        // the operator accepts the risk in so many words: the node starts
        start(network.node(SHINJUKU), Map.of("jukibus.store.allow-asynchronous-commit", "true"));
    }

    // --- helpers ---

    private Network provision(SharedPostgres server) throws IOException {
        List<NodeSpec> specs = TestNetwork.specs(SHINJUKU, OSAKA);
        NetworkProvisioner provisioner = new NetworkProvisioner(Path.of("").toAbsolutePath());
        return server == null ? provisioner.provision(root, specs) : provisioner.provision(root, specs, NetworkProvisioner.sharedBy(server));
    }

    private static void start(ProvisionedNode node, Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(node.properties());
        properties.putAll(overrides);
        NodeLauncher.start(properties).close();
    }

    /** The pid PostgreSQL wrote into its data directory (first line of postmaster.pid). */
    private static long postmasterPid(Path pgdata) throws IOException {
        return Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim());
    }

    /** The embedded server of a node running in another process, as its superuser (port from postmaster.pid, password from store/). */
    private static Connection superuser(ProvisionedNode node) throws Exception {
        Path store = node.home().resolve("store");
        String port = Files.readAllLines(store.resolve("pgdata").resolve("postmaster.pid")).get(3).trim();
        String password = Files.readAllLines(store.resolve("superuser.pass")).get(0).trim();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
    }

    /** Live postmasters started on this data directory (its workers end with it). */
    private static List<ProcessHandle> postgresProcessesOf(Path pgdata) {
        String dir = pgdata.toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(dir)).orElse(false))
                .toList();
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
