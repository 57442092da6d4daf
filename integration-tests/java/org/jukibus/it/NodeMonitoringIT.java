package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSSecurityException;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.api.management.ManagedCamelContext;
import org.jukibus.monitoring.StatusBoard;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 稼働状況の監視 (第4の7(3)) across a network: every node's heartbeat reaches central, which shows
 * each node's status (MBean, Jolokia, {@code jukibus status}, gauges) and tells the prefecture and
 * the node itself when a node goes silent, comes back, or reports security events: once per change.
 */
// order is inherent: central's status board and its alerts are per change: each test starts from the states the one before left
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeMonitoringIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path root;
    @Provisioned({TOKYO_PREF, SHINJUKU, BUNKYO})
    static TestNetwork net;

    @BeforeAll
    static void start() throws Exception {
        net.withMonitoring(Map.of(
                "jukibus.monitoring.heartbeat-interval", "1s",
                // 3 s as a plain reading of "a few heartbeats" made nodes silent for a moment on a loaded
                // 2-core machine running four nodes (heartbeats took over 3 s to reach central): 10 s
                "jukibus.monitoring.silence-after", "10s",
                "jukibus.monitoring.check-interval", "1s",
                // an episode of security events ends after 5 s without (1 h by default): each test's events begin their own
                "jukibus.monitoring.security-quiet-after", "5s"));
        // central last: nodes that start one after another would otherwise be silent for a while at central;
        // their first heartbeats wait for central in their outbound queues
        net.start(TOKYO_PREF, SHINJUKU, BUNKYO, CENTRAL);
    }

    @Test
    @Order(1)
    void central_shows_every_node_ok() throws Exception {
        String mbean = StatusBoard.objectName(CENTRAL).toString();
        // every view of the board agrees: the bean, the MBean through Jolokia (as Hawtio and jukibus status
        // see it), the gauges
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(states()).containsExactlyInAnyOrderEntriesOf(Map.of(CENTRAL, "OK", TOKYO_PREF, "OK", SHINJUKU, "OK", BUNKYO, "OK"));
            JsonNode list = net.jolokia(CENTRAL).exec(mbean, "list");
            assertThat(list).hasSize(4).allSatisfy(n -> assertThat(n.path("state").asText()).as(n.toString()).isEqualTo("OK"));
            assertThat(net.jolokia(CENTRAL).read(mbean, "StateCounts").path("OK").asLong()).isEqualTo(4);
            assertThat(ManagementIT.operator(net, CENTRAL, "/actuator/prometheus").body())
                    .contains("jukibus_nodes{node=\"central\",state=\"OK\"} 4.0");
        });
        for (JsonNode n : net.jolokia(CENTRAL).exec(mbean, "list")) {
            assertThat(n.path("health").asText()).as(n.toString()).isEqualTo("UP");
            assertThat(n.path("components").asText()).as(n.toString()).contains("broker=UP").contains("routes=UP")
                    .contains("jobs=UP"); // the periodic jobs finish their rounds (management.JobLiveness)
            assertThat(n.path("lastHeartbeatAt").isTextual()).as(n.toString()).isTrue();
            assertThat(n.path("certificateNotAfter").asText()).as(n.toString()).startsWith("20");
            assertThat(n.path("outboundDepth").isNumber()).as(n.toString()).isTrue();
            assertThat(n.path("deadLetters").asLong()).as(n.toString()).isZero();
        }

        DeadLetterToolingIT.Run status = DeadLetterToolingIT.run(args("status", net.operatorLogin(CENTRAL)));
        assertThat(status.exit()).as(status.err()).isZero();
        for (String code : List.of(CENTRAL, TOKYO_PREF, SHINJUKU, BUNKYO)) {
            assertThat(status.out().lines().filter(l -> l.startsWith(code + " "))).as(code).hasSize(1);
        }
        assertThat(status.out()).contains("文京区").containsPattern("4 node\\(s\\): UNKNOWN 0 OK \\d SILENT \\d UNHEALTHY 0");

        DeadLetterToolingIT.Run notCentral = DeadLetterToolingIT.run(args("status", net.operatorLogin(TOKYO_PREF)));
        assertThat(notCentral.exit()).isEqualTo(1);
        assertThat(notCentral.err()).contains("node status is kept at central");
    }

    @Test
    @Order(2)
    void a_stopped_node_becomes_silent_and_its_prefecture_is_told_once() throws Exception {
        // (counted from here: on a loaded machine a late heartbeat may have made a node silent for a moment before)
        int before = alerts(TOKYO_PREF, BUNKYO, "SILENT").size();
        net.stop(BUNKYO);

        await().atMost(WAIT).until(() -> "SILENT".equals(states().get(BUNKYO)));
        await().atMost(WAIT).until(() -> alerts(TOKYO_PREF, BUNKYO, "SILENT").size() == before + 1);
        assertThat(alerts(TOKYO_PREF, BUNKYO, "SILENT")).last().satisfies(f -> assertThat(Files.readString(f))
                .contains("<Node>131059</Node>").contains("<Role>municipal</Role>").contains("no heartbeat since"));

        // several more checks while it stays silent: no second alert
        long checks = completedChecks();
        await().atMost(WAIT).until(() -> completedChecks() >= checks + 3);
        assertThat(states()).containsEntry(BUNKYO, "SILENT");
        assertThat(alerts(TOKYO_PREF, BUNKYO, "SILENT")).hasSize(before + 1);
    }

    @Test
    @Order(3)
    void a_restarted_node_recovers_and_gets_the_alert_that_waited_for_it() throws Exception {
        int recovered = alerts(TOKYO_PREF, BUNKYO, "RECOVERED").size();
        int silentAtBunkyo = alerts(BUNKYO, BUNKYO, "SILENT").size();
        net.start(BUNKYO);

        await().atMost(WAIT).until(() -> "OK".equals(states().get(BUNKYO)));
        await().atMost(WAIT).until(() -> alerts(TOKYO_PREF, BUNKYO, "RECOVERED").size() > recovered);
        // the SILENT alert waited in central's outbound queue while 131059 was down
        await().atMost(WAIT).until(() -> alerts(BUNKYO, BUNKYO, "SILENT").size() > silentAtBunkyo
                && !alerts(BUNKYO, BUNKYO, "RECOVERED").isEmpty());

        // monitoring traffic is no evidence and no operation: central took heartbeats for minutes and the
        // prefecture several alerts, yet neither kept an envelope nor wrote a delivery line for them
        for (String code : List.of(CENTRAL, TOKYO_PREF)) {
            Path evidence = net.node(code).home().resolve(org.jukibus.evidence.EvidenceStore.FOLDER);
            if (Files.exists(evidence)) {
                assertThat(TestNetwork.contains(evidence, "NodeHeartbeat")).as("heartbeat kept as evidence at %s", code).isFalse();
                assertThat(TestNetwork.contains(evidence, "NodeStatusAlert")).as("alert kept as evidence at %s", code).isFalse();
            }
            assertThat(org.jukibus.audit.HashChainLog.entries(net.node(code).home().resolve("audit")))
                    .filteredOn(e -> e.kind() == org.jukibus.audit.AuditKind.MESSAGE_DELIVERED)
                    .filteredOn(e -> List.of("heartbeat", "node-status").contains(e.flow()))
                    .as("delivery lines in the operation log of %s", code).isEmpty();
        }
    }

    @Test
    @Order(4)
    void a_dead_letter_shows_in_the_nodes_status_at_central() throws Exception {
        net.put(SHINJUKU, "jukibus.inbound.transfer-in", "not an envelope".getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetterAssert.next(net, SHINJUKU, 0).reason()).isEqualTo("MALFORMED");

        await().atMost(WAIT).until(() -> node(SHINJUKU).path("deadLetters").asLong() == 1);
        await().atMost(WAIT).until(() -> "OK".equals(node(SHINJUKU).path("state").asText())); // a dead letter is no fault of the node
        // ... but a malformed message is an intrusion sign (第4の9(3))
        await().atMost(WAIT).until(() -> alerts(TOKYO_PREF, SHINJUKU, "SECURITY_EVENTS").size() == 1);
        assertThat(Files.readString(alerts(TOKYO_PREF, SHINJUKU, "SECURITY_EVENTS").get(0))).contains("1 refused message(s)");
    }

    @Test
    @Order(5)
    void a_replayed_envelope_leads_to_one_security_alert_naming_the_refused_message() throws Exception {
        assertThat(alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS")).isEmpty();
        byte[] genuine = captureGenuineEnvelope("MON-REPLAY-1");
        net.put(BUNKYO, "jukibus.inbound.transfer-in", genuine);
        await().atMost(WAIT).until(() -> net.files(BUNKYO, "outbox", "transfer-in").size() == 1);
        assertThat(alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS")).as("a genuine message is no intrusion sign").isEmpty();

        int deadLetters = DeadLetterAssert.count(net, BUNKYO);
        net.put(BUNKYO, "jukibus.inbound.transfer-in", genuine);
        assertThat(DeadLetterAssert.next(net, BUNKYO, deadLetters).reason()).isEqualTo("REPLAY");

        await().atMost(WAIT).until(() -> alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS").size() == 1);
        await().atMost(WAIT).until(() -> alerts(BUNKYO, BUNKYO, "SECURITY_EVENTS").size() == 1);
        assertThat(Files.readString(alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS").get(0)))
                .contains("0 refused login(s), 0 denied permission(s) and 1 refused message(s)");

        // later heartbeats report nothing new: still one alert
        long checks = completedChecks();
        await().atMost(WAIT).until(() -> completedChecks() >= checks + 3);
        assertThat(alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS")).hasSize(1);
        assertThat(alerts(BUNKYO, BUNKYO, "SECURITY_EVENTS")).hasSize(1);
    }

    @Test
    @Order(6)
    void a_refused_login_at_a_node_leads_to_one_security_alert() throws Exception {
        // the malformed message of a_dead_letter_shows_in_the_nodes_status_at_central made the first
        int before = alerts(TOKYO_PREF, SHINJUKU, "SECURITY_EVENTS").size();
        assertThat(before).isEqualTo(1);
        // that episode ended: its quiet end announced once (RECOVERED, schema-valid at every node), to both
        await().atMost(WAIT).until(() -> quiet(TOKYO_PREF, SHINJUKU).size() == 1 && quiet(SHINJUKU, SHINJUKU).size() == 1);
        refuseLogin(SHINJUKU);

        await().atMost(WAIT).until(() -> alerts(TOKYO_PREF, SHINJUKU, "SECURITY_EVENTS").size() == before + 1);
        await().atMost(WAIT).until(() -> alerts(SHINJUKU, SHINJUKU, "SECURITY_EVENTS").size() == before + 1);
        List<String> details = new ArrayList<>();
        for (Path f : alerts(TOKYO_PREF, SHINJUKU, "SECURITY_EVENTS")) {
            details.add(Files.readString(f));
        }
        assertThat(details).filteredOn(d -> d.contains("1 refused login(s)")).hasSize(1);

        // later heartbeats report nothing new: still one alert for it
        long checks = completedChecks();
        await().atMost(WAIT).until(() -> completedChecks() >= checks + 3);
        assertThat(alerts(TOKYO_PREF, SHINJUKU, "SECURITY_EVENTS")).hasSize(before + 1);
        assertThat(alerts(SHINJUKU, SHINJUKU, "SECURITY_EVENTS")).hasSize(before + 1);
        // and its end, once: one quiet end per episode
        await().atMost(WAIT).until(() -> quiet(TOKYO_PREF, SHINJUKU).size() == 2);
        long after = completedChecks();
        await().atMost(WAIT).until(() -> completedChecks() >= after + 3);
        assertThat(quiet(TOKYO_PREF, SHINJUKU)).hasSize(2);
        JsonNode events = net.jolokia(CENTRAL).exec(StatusBoard.objectName(CENTRAL).toString(), "events", SHINJUKU, 10);
        assertThat(events.toString()).contains("SECURITY_EVENTS");
    }

    @Test
    @Order(7)
    void a_refused_login_whose_heartbeat_is_lost_on_the_way_is_reported_by_the_next_one() throws Exception {
        int before = alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS").size();
        // the episode of a_replayed_envelope_... ended: a refused login now begins one of its own
        await().atMost(WAIT).until(() -> quiet(TOKYO_PREF, BUNKYO).size() == before);
        JdbcTemplate bunkyoStore = net.context(BUNKYO).getBean(JdbcTemplate.class);
        net.camel(CENTRAL).getRouteController().stopRoute("heartbeat-delivery");
        try {
            refuseLogin(BUNKYO);
            // the heartbeat carrying the refused login is lost on the way, as one dropped after its time to live
            // (heartbeat-ttl) while central is unreachable: every heartbeat central got meanwhile is taken away
            await().atMost(WAIT).until(() -> bunkyoStore.queryForObject(
                    "SELECT coalesce(sum(logins_refused), 0) FROM security_event_total", Long.class) == 1);
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                net.take(CENTRAL, "jukibus.inbound.heartbeat", Duration.ofMillis(200));
            }
        } finally {
            net.camel(CENTRAL).getRouteController().startRoute("heartbeat-delivery");
        }

        await().atMost(WAIT).until(() -> alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS").size() == before + 1);
        List<String> details = new ArrayList<>();
        for (Path f : alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS")) {
            details.add(Files.readString(f));
        }
        assertThat(details).filteredOn(d -> d.contains("1 refused login(s), 0 denied permission(s) and 0 refused message(s)"))
                .hasSize(1);
        long checks = completedChecks();
        await().atMost(WAIT).until(() -> completedChecks() >= checks + 3);
        assertThat(alerts(TOKYO_PREF, BUNKYO, "SECURITY_EVENTS")).as("counted once").hasSize(before + 1);
    }

    // --- helpers ---

    /** A peer whose certificate is not in the directory tries to log in to a node's broker, and is refused. */
    static void refuseLogin(String code) throws Exception {
        String password = "test-store-password";
        KeyMaterial stranger = net.network.ca().issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "132012", "豊島区"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        Path keystore = root.resolve("stranger.p12");
        KeyStores.writeKeyStore(keystore, stranger, password.toCharArray());
        Path truststore = root.resolve("truststore.p12");
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), password.toCharArray());

        assertThatThrownBy(() -> TlsPeer.connect(net.node(code).primary(), keystore, password, truststore, password).close())
                .isInstanceOf(JMSSecurityException.class);
    }

    /** Lets Shinjuku send Bunkyo a real notice, and takes it off Bunkyo's broker before Bunkyo's node can. */
    static byte[] captureGenuineEnvelope(String noticeId) throws Exception {
        net.camel(BUNKYO).getRouteController().stopRoute("transfer-in-delivery");
        try {
            net.drop(SHINJUKU, "transfer-in", noticeId + ".xml", Notices.transferIn(noticeId, "50000000008", SHINJUKU, BUNKYO));
            byte[] envelope = net.take(BUNKYO, "jukibus.inbound.transfer-in", Duration.ofSeconds(60));
            assertThat(envelope).as("the genuine envelope reached Bunkyo's broker").isNotNull();
            return envelope;
        } finally {
            net.camel(BUNKYO).getRouteController().startRoute("transfer-in-delivery");
        }
    }

    static String[] args(String command, List<String> login) {
        java.util.List<String> all = new java.util.ArrayList<>(List.of(command));
        all.addAll(login);
        return all.toArray(String[]::new);
    }

    /** Each node's state as central's status board shows it. */
    static Map<String, String> states() {
        Map<String, String> states = new java.util.HashMap<>();
        for (Map<String, Object> n : net.context(CENTRAL).getBean(StatusBoard.class).list()) {
            states.put((String) n.get("code"), (String) n.get("state"));
        }
        return states;
    }

    static JsonNode node(String code) throws Exception {
        for (JsonNode n : net.jolokia(CENTRAL).exec(StatusBoard.objectName(CENTRAL).toString(), "list")) {
            if (code.equals(n.path("code").asText())) {
                return n;
            }
        }
        throw new AssertionError("central does not list " + code);
    }

    /** Status checks central has completed so far (its node-status-check route's exchanges). */
    static long completedChecks() throws Exception {
        return net.camel(CENTRAL).getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("node-status-check").getExchangesCompleted();
    }

    /** Every alert in a node's legacy outbox. */
    static List<Path> alerts(String at) throws Exception {
        return net.files(at, "outbox", "node-status");
    }

    /** The alerts in a node's legacy outbox that an episode of {@code node}'s security events ended. */
    static List<Path> quiet(String at, String node) throws Exception {
        List<Path> found = new ArrayList<>();
        for (Path f : alerts(at, node, "RECOVERED")) {
            if (Files.readString(f, StandardCharsets.UTF_8).contains("security events quiet")) {
                found.add(f);
            }
        }
        return found;
    }

    /** The alerts in a node's legacy outbox about {@code node} with {@code status}. */
    static List<Path> alerts(String at, String node, String status) throws Exception {
        List<Path> found = new ArrayList<>();
        for (Path f : alerts(at)) {
            String xml = Files.readString(f, StandardCharsets.UTF_8);
            if (xml.contains("<Node>" + node + "</Node>") && xml.contains("<Status>" + status + "</Status>")) {
                found.add(f);
            }
        }
        return found;
    }
}
