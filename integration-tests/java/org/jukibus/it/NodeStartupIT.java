package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import java.time.Clock;
import java.time.Instant;

import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.node.NodeLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node refuses to start on a directory it cannot trust, with keys that are not its own, or with its clock behind. */
class NodeStartupIT {

    @TempDir
    static Path root;
    /** Started by each test, with the settings it tries. */
    @Provisioned({SHINJUKU, OSAKA})
    static TestNetwork net;

    @Test
    void a_switch_for_a_flow_that_does_not_exist_stops_the_node() {
        assertThatThrownBy(() -> start(SHINJUKU, Map.of("jukibus.flows.transfer-inn.enabled", "false")))
                .hasStackTraceContaining("jukibus.flows.transfer-inn: there is no flow named 'transfer-inn'");
    }

    @Test
    void a_switched_off_flow_has_its_routes_stopped_and_the_others_running() {
        var node = NodeLauncher.start(withOverrides(SHINJUKU, Map.of("jukibus.flows.transfer-in.enabled", "false")));
        try {
            var camel = node.getBean(org.apache.camel.CamelContext.class);
            assertThat(camel.getRouteController().getRouteStatus("transfer-in-intake").isStopped()).isTrue();
            assertThat(camel.getRouteController().getRouteStatus("transfer-in-delivery").isStopped()).isTrue();
            assertThat(camel.getRouteController().getRouteStatus("receipt-delivery").isStarted()).isTrue();
            // a switched-off flow is not a broken node
            var routes = node.getBean("routesHealthIndicator", org.springframework.boot.actuate.health.HealthIndicator.class).health();
            assertThat(routes.getStatus().getCode()).as(routes.toString()).isEqualTo("UP");
            assertThat(routes.getDetails().get("routes").toString()).contains("transfer-in-intake=SwitchedOff");
        } finally {
            node.close();
        }
    }

    @Test
    void a_tampered_directory_stops_the_node() throws Exception {
        String signed = Files.readString(net.network.directoryFile(), StandardCharsets.UTF_8);
        Path tampered = write("tampered.xml", signed.replace("127.0.0.1", "127.0.0.2"));

        assertThatThrownBy(() -> start(SHINJUKU, Map.of("jukibus.directory.file", tampered.toString())))
                .hasStackTraceContaining("directory rejected");
    }

    @Test
    void an_unsigned_directory_stops_the_node() throws Exception {
        String signed = Files.readString(net.network.directoryFile(), StandardCharsets.UTF_8);
        Path unsigned = write("unsigned.xml", signed.replaceAll("(?s)<ds:Signature.*</ds:Signature>", ""));

        assertThatThrownBy(() -> start(SHINJUKU, Map.of("jukibus.directory.file", unsigned.toString())))
                .hasStackTraceContaining("directory rejected");
    }

    @Test
    void another_nodes_keystore_stops_the_node() {
        Map<String, Object> osakaKeys = Map.of(
                "jukibus.pki.keystore", net.network.node(OSAKA).properties().get("jukibus.pki.keystore"),
                "jukibus.pki.password-file", net.network.node(OSAKA).properties().get("jukibus.pki.password-file"));

        assertThatThrownBy(() -> start(SHINJUKU, osakaKeys))
                .hasStackTraceContaining("holds the certificate of municipal 271004");
    }

    @Test
    void a_node_missing_from_the_directory_does_not_start() throws Exception {
        NodeDirectory full = DirectoryLoader.load(net.network.directoryFile(), net.network.ca().certificate(), null, Clock.systemUTC());
        DirectoryBuilder withoutShinjuku = new DirectoryBuilder().serial(2).issuedAt(Instant.now());
        full.all().stream().filter(e -> !e.code().equals(SHINJUKU)).forEach(withoutShinjuku::add);
        Path directory = root.resolve("without-131041.xml");
        Files.write(directory, DirectorySigner.sign(withoutShinjuku.build(), net.network.node("central").keys()));

        assertThatThrownBy(() -> start(SHINJUKU, Map.of("jukibus.directory.file", directory.toString())))
                .hasStackTraceContaining("this node (131041) is not in the directory");
    }

    @Test
    void a_node_whose_link_port_is_taken_does_not_start() throws Exception {
        var primary = net.network.node(SHINJUKU).primary();
        try (var squatter = new java.net.ServerSocket(primary.port(), 1, java.net.InetAddress.getByName(primary.host()))) {
            assertThatThrownBy(() -> start(SHINJUKU, Map.of()))
                    .hasStackTraceContaining("not every acceptor is listening");
        }
    }

    @Test
    void a_clock_behind_the_nodes_last_operation_log_entry_stops_the_node_unless_the_operator_accepts_it() throws Exception {
        Path home = net.network.node(SHINJUKU).home();
        try {
            // the node ran with its clock a day ahead; at the next start its clock is a day behind what it recorded, as
            // on a host restored from yesterday's snapshot (moving the clock back instead would make the test
            // network's certificates, issued a minute ago, not yet valid)
            org.jukibus.clock.ClockOffsetFile.write(home, java.time.Duration.ofDays(1));
            start(SHINJUKU, Map.of());
            org.jukibus.clock.ClockOffsetFile.write(home, java.time.Duration.ZERO);

            assertThatThrownBy(() -> start(SHINJUKU, Map.of()))
                    .hasStackTraceContaining("before the last entry of its operation log")
                    .hasStackTraceContaining("jukibus.audit.accept-clock-behind=true");

            var node = NodeLauncher.start(withOverrides(SHINJUKU, Map.of("jukibus.audit.accept-clock-behind", "true")));
            try {
                assertThat(node.getBean(org.apache.camel.CamelContext.class).isStarted()).as("a deliberate move starts").isTrue();
            } finally {
                node.close();
            }
            // and leaves a trace naming both times: the log's times go backwards from there
            assertThat(org.jukibus.audit.HashChainLog.entries(home.resolve("audit")))
                    .filteredOn(e -> e.kind() == org.jukibus.audit.AuditKind.CLOCK_BEHIND_ACCEPTED).hasSize(1)
                    .allSatisfy(e -> assertThat(e.detail()).contains("before the log's last entry"));
        } finally {
            org.jukibus.clock.ClockOffsetFile.write(home, java.time.Duration.ZERO);
        }
    }

    private static void start(String code, Map<String, Object> overrides) {
        NodeLauncher.start(withOverrides(code, overrides)).close();
    }

    private static Map<String, Object> withOverrides(String code, Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(net.network.node(code).properties());
        properties.putAll(overrides);
        return properties;
    }

    private static Path write(String name, String content) throws Exception {
        Path file = root.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
