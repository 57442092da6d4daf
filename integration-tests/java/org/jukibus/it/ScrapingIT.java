package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.Jukibus;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * What a load balancer and a Prometheus get from a node without an operator: the probes on the probe port (status
 * only), the metrics with a monitoring certificate from {@code jukibus pki issue-monitor} (no PIN, nothing else), and
 * every metric the shipped Grafana dashboard and alert rules ask for.
 */
class ScrapingIT {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    /** Prometheus's own series about a target, not the node's. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /** A central node's own flows' series (checked on central by their flow's test, e.g. ChangeInfoIT). */
    static final Set<String> CENTRAL_ONLY = Set.of("jukibus_change_info_waiting_seconds");

    @TempDir
    static Path root;
    static TestNetwork net;
    static SSLContext monitor;
    static SSLContext revokedMonitor;
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        net = TestNetwork.provision(root, List.of(
                new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                new NodeSpec(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27")));
        monitor = issueMonitor("prometheus");
        revokedMonitor = issueMonitor("stolen-prometheus");
        X509Certificate stolen = Pem.readCertificate(root.resolve("monitors").resolve("stolen-prometheus.pem"));
        // the CA as it is on disk now, with what the command issued in its ledger
        org.jukibus.pki.CertificateAuthority.load(net.network.ca().directory(),
                SecureFiles.readPassword(net.network.caPasswordFile())).revoke(stolen.getSerialNumber());
        net.node(SHINJUKU).properties().put("jukibus.management.probe-port", "0");
        net.start(SHINJUKU); // Osaka-shi stays down: what Shinjuku-ku sends it waits in the outbound queue
    }

    @AfterAll
    static void stop() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void probes_say_up_or_down_and_nothing_else_without_a_login() throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        for (String path : List.of("/livez", "/readyz", "/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> r = plain.send(HttpRequest.newBuilder(probe(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(json.readTree(r.body())).as(path).isEqualTo(json.readTree("{\"status\":\"UP\"}"));
        }
        for (String path : List.of("/actuator/health", "/actuator/prometheus", "/actuator/info", "/actuator/hawtio/", "/login", "/")) {
            HttpResponse<String> r = plain.send(HttpRequest.newBuilder(probe(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the probe port serves only the probes: " + path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("jukibus_").doesNotContain("components");
        }
        HttpResponse<String> post = plain.send(HttpRequest.newBuilder(probe("/actuator/jolokia")).POST(HttpRequest.BodyPublishers
                .ofString("{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(404);

        net.camel(SHINJUKU).getRouteController().stopRoute("transfer-in-delivery");
        try {
            HttpResponse<String> down = plain.send(HttpRequest.newBuilder(probe("/readyz")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).as("a stopped route: not ready").isEqualTo(503);
            assertThat(json.readTree(down.body())).isEqualTo(json.readTree("{\"status\":\"DOWN\"}"));
            HttpResponse<String> alive = plain.send(HttpRequest.newBuilder(probe("/livez")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(alive.statusCode()).as("but alive").isEqualTo(200);
        } finally {
            net.camel(SHINJUKU).getRouteController().startRoute("transfer-in-delivery");
        }
    }

    @Test
    void on_the_management_port_the_probes_are_open_and_the_rest_still_needs_card_and_pin() throws Exception {
        HttpClient card = ManagementIT.client(net);
        HttpResponse<String> readiness = card.send(HttpRequest.newBuilder(management("/actuator/health/readiness")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json.readTree(readiness.body())).isEqualTo(json.readTree("{\"status\":\"UP\"}"));
        for (String path : List.of("/actuator/health", "/actuator/prometheus", "/actuator/info")) {
            assertThat(card.send(HttpRequest.newBuilder(management(path)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("the operator's card without the PIN: " + path).isEqualTo(401);
        }
    }

    @Test
    void a_monitoring_certificate_reads_the_metrics_and_nothing_else() throws Exception {
        HttpClient scraper = HttpClient.newBuilder().sslContext(monitor).build();
        HttpResponse<String> metrics = scraper.send(HttpRequest.newBuilder(management("/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jukibus_queue_depth{node=\"" + SHINJUKU + "\",queue=\"jukibus.dlq\"}");
        for (String path : List.of("/actuator/health", "/actuator/info", "/actuator/hawtio/", "/actuator/jolokia/read/java.lang:type=Runtime/Name")) {
            assertThat(scraper.send(HttpRequest.newBuilder(management(path)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("a monitoring certificate opens nothing but the metrics: " + path).isEqualTo(403);
        }
        HttpResponse<String> operation = scraper.send(HttpRequest.newBuilder(management("/actuator/jolokia"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"exec\",\"mbean\":\"org.jukibus:node=" + SHINJUKU + ",type=DeadLetters\",\"operation\":\"purge\",\"arguments\":[\"transfer-in\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(operation.statusCode()).as("no operations").isIn(401, 403);

        HttpClient stolen = HttpClient.newBuilder().sslContext(revokedMonitor).build();
        HttpResponse<String> refused = stolen.send(HttpRequest.newBuilder(management("/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("a revoked monitoring certificate (CRL in force)").isEqualTo(401);
        assertThat(refused.body()).doesNotContain("jukibus_");
        // the scraper asks again every 15 s until someone fixes it: one operation-log line per hour, not per request
        for (int i = 0; i < 3; i++) {
            assertThat(stolen.send(HttpRequest.newBuilder(management("/actuator/prometheus")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
        assertThat(org.jukibus.audit.HashChainLog.entries(net.node(SHINJUKU).home().resolve("audit")))
                .filteredOn(e -> e.kind() == org.jukibus.audit.AuditKind.OPERATOR_LOGIN_REFUSED)
                .filteredOn(e -> e.detail() != null && e.detail().contains("monitoring certificate refused (REVOKED)"))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("at most once an hour"));
    }

    @Test
    void every_metric_of_the_dashboard_and_the_alert_rules_is_on_a_running_node() throws Exception {
        // traffic that makes the on-demand series appear: a message waiting for a peer that is down, a dead letter
        net.drop(SHINJUKU, "transfer-in", "S-1.xml", Notices.transferIn("S-1", "60000000011", SHINJUKU, OSAKA));
        net.put(SHINJUKU, "jukibus.inbound.transfer-in", "not an envelope".getBytes(StandardCharsets.UTF_8));
        // an operator's login: the node knows an operator card's lifetime from a login it accepted
        assertThat(ManagementIT.operator(net, SHINJUKU, "/actuator/info").statusCode()).isEqualTo(200);
        HttpClient scraper = HttpClient.newBuilder().sslContext(monitor).build();
        Set<String> referenced = new TreeSet<>();
        referenced.addAll(dashboardMetrics());
        referenced.addAll(alertRuleMetrics());
        referenced.removeAll(PROMETHEUS_OWN);
        assertThat(referenced).containsAll(CENTRAL_ONLY);
        referenced.removeAll(CENTRAL_ONLY);
        assertThat(referenced).contains("jukibus_outbound_oldest_age_seconds", "jukibus_flow_latency_seconds_bucket",
                "jukibus_certificate_expiry_seconds", "jukibus_crl_next_update_seconds", "jukibus_clock_offset_seconds",
                "jukibus_route_failures_total", "jukibus_queue_depth");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            String body = scraper.send(HttpRequest.newBuilder(management("/actuator/prometheus")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> exposed = exposedNames(body);
            assertThat(exposed).as("metrics on node " + SHINJUKU).containsAll(referenced);
            assertThat(body).contains("jukibus_outbound_depth{node=\"" + SHINJUKU + "\",peer=\"" + OSAKA + "\"} 1");
            // the lifetimes of the certificate this scrape comes with and of the operator's card (365 days)
            assertThat(value(body, "jukibus_certificate_expiry_seconds{certificate=\"scraping\",node=\"" + SHINJUKU + "\"}"))
                    .isBetween((double) Duration.ofDays(364).toSeconds(), (double) Duration.ofDays(365).toSeconds());
            assertThat(value(body, "jukibus_operator_card_expiry_seconds{node=\"" + SHINJUKU + "\",operator=\""
                    + NetworkProvisioner.OPERATOR + "\"}")).isPositive();
            assertThat(body).contains("jukibus_flow_latency_seconds_bucket{flow=\"transfer-in\",node=\"" + SHINJUKU + "\",le=\"30.0\"}");
            // the node's timer and scheduler routes are periodic jobs too (management.RouteJobs), the drop folders gauged
            assertThat(body).contains("periodic_job=\"route overdue-receipts\"", "periodic_job=\"route receipt-batches\"",
                    "jukibus_drop_folder_files{folder=\"transfer-in\"");
        });
    }

    /** Metric names in the expressions of the dashboard's panels and template variables. */
    static Set<String> dashboardMetrics() throws Exception {
        JsonNode dashboard = json.readTree(Path.of("monitoring/grafana-dashboard.json").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metricNames(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) { // label_values(<metric>, <label>)
            Matcher labelValues = Pattern.compile("label_values\\(\\s*([^,)]+),").matcher(variable.path("definition").asText());
            if (labelValues.find()) {
                names.addAll(metricNames(labelValues.group(1)));
            }
        }
        assertThat(names).as("the dashboard has queries").isNotEmpty();
        return names;
    }

    /** Metric names in the expressions of the alert rules. */
    @SuppressWarnings("unchecked")
    static Set<String> alertRuleMetrics() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(Path.of("monitoring/prometheus-alerts.yml")));
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                names.addAll(metricNames(String.valueOf(rule.get("expr"))));
            }
        }
        assertThat(names).as("the rules have expressions").isNotEmpty();
        return names;
    }

    /**
     * The metric names in a PromQL expression: identifiers that are not inside a label matcher or a by/without list,
     * not a function (followed by '('), not a keyword, not a number.
     */
    static Set<String> metricNames(String expr) {
        String withoutLabels = expr.replaceAll("\\{[^}]*}", " ").replaceAll("\"[^\"]*\"", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^]]*]", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(withoutLabels);
        Set<String> keywords = Set.of("and", "or", "unless", "bool", "offset", "e", "inf", "nan");
        while (m.find()) {
            if (m.group(2) == null && !keywords.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The value of one series in a Prometheus text exposition (NaN if absent). */
    static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** The metric names of series in a Prometheus text exposition. */
    static Set<String> exposedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** Runs {@code jukibus pki issue-monitor} and opens what it wrote as Prometheus would (key and certificate PEM, CA PEM). */
    static SSLContext issueMonitor(String id) throws Exception {
        Path out = root.resolve("monitors");
        StringWriter text = new StringWriter();
        int exit = new CommandLine(new Jukibus()).setOut(new PrintWriter(text)).setErr(new PrintWriter(text)).execute(
                "pki", "issue-monitor", "--ca", net.network.ca().directory().toString(),
                "--password-file", net.network.caPasswordFile().toString(), "--id", id, "--out", out.toString());
        assertThat(exit).as(text.toString()).isZero();
        X509Certificate cert = Pem.readCertificate(out.resolve(id + ".pem"));
        X509Certificate ca = Pem.readCertificate(out.resolve("ca.pem"));
        String pem = Files.readString(out.resolve(id + "-key.pem"));
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("monitor", key, new char[0], new Certificate[] {cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return tls;
    }

    static URI management(String path) {
        return URI.create(net.managementUrl(SHINJUKU) + path);
    }

    static URI probe(String path) {
        int port = net.context(SHINJUKU).getBean(org.jukibus.management.ProbePort.class).localPort();
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
