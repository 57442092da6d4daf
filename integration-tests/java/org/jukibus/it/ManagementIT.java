package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.demo.NetworkProvisioner;
import org.junit.jupiter.api.Test;

/**
 * Every node has its own management port (HTTPS) behind an operator login (card and PIN): two nodes in one JVM get
 * different ports, Camel context names and MBeans; health reflects broker and routes; metrics
 * per flow are at /actuator/prometheus.
 */
class ManagementIT {

    @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA})
    static TestNetwork net;
    static final ObjectMapper json = new ObjectMapper();

    @Test
    void each_node_has_its_own_port_camel_name_and_mbeans() throws Exception {
        assertThat(net.managementUrl(SHINJUKU)).isNotEqualTo(net.managementUrl(OSAKA));
        assertThat(net.camel(SHINJUKU).getName()).isEqualTo("jukibus-" + SHINJUKU);
        assertThat(net.camel(OSAKA).getName()).isEqualTo("jukibus-" + OSAKA);
        var mbeans = ManagementFactory.getPlatformMBeanServer();
        for (String code : List.of(SHINJUKU, OSAKA)) {
            assertThat(mbeans.queryNames(new ObjectName("org.apache.camel:context=jukibus-" + code + ",type=context,*"), null))
                    .as("Camel MBeans of " + code).hasSize(1);
            assertThat(mbeans.isRegistered(new ObjectName("org.jukibus:node=" + code + ",type=DeadLetters"))).isTrue();
            assertThat(mbeans.queryNames(new ObjectName("org.apache.activemq.artemis:broker=\"jukibus-" + code + "\""), null)).hasSize(1);
        }
        assertThat(mbeans.queryNames(new ObjectName("org.jukibus.management:*"), null)).as("not exported twice by Spring").isEmpty();
        List<String> camelThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("Camel (")).toList();
        assertThat(camelThreads).as("Camel threads carry the node's context name").isNotEmpty()
                .allSatisfy(n -> assertThat(n).containsPattern("^Camel \\(jukibus-(" + SHINJUKU + "|" + OSAKA + ")\\)"));
    }

    @Test
    void nothing_is_served_without_a_login() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/prometheus", "/actuator/jolokia", "/actuator/info",
                "/console/jolokia")) {
            HttpResponse<String> r = get(OSAKA, path, null, "x");
            assertThat(r.statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get(OSAKA, "/actuator/health", NetworkProvisioner.OPERATOR, "wrong").statusCode()).isEqualTo(401);
        for (String page : List.of("/actuator/hawtio/", "/console/", "/console/artemis")) { // Hawtio, Artemis's console
            HttpResponse<String> browser = client(net).send(HttpRequest.newBuilder(URI.create(net.managementUrl(OSAKA) + page))
                    .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(browser.statusCode()).as("a browser is sent to the login form from " + page).isEqualTo(302);
            assertThat(browser.headers().firstValue("Location").orElse("")).endsWith("/login");
        }
    }

    @Test
    void health_reflects_broker_routes_and_store() throws Exception {
        JsonNode health = json.readTree(operator(OSAKA, "/actuator/health").body());
        assertThat(health.path("status").asText()).as(health.toPrettyString()).isEqualTo("UP");
        JsonNode broker = health.path("components").path("broker");
        assertThat(broker.path("status").asText()).isEqualTo("UP");
        assertThat(broker.path("details").path("active").asBoolean()).isTrue();
        JsonNode routes = health.path("components").path("routes");
        assertThat(routes.path("details").path("routes").path("transfer-in-delivery").asText()).isEqualTo("Started");
        JsonNode store = health.path("components").path("db");
        assertThat(store.path("status").asText()).as("the node's store").isEqualTo("UP");
        assertThat(store.path("details").path("database").asText()).isEqualTo("PostgreSQL");

        net.camel(OSAKA).getRouteController().stopRoute("transfer-in-delivery");
        try {
            HttpResponse<String> down = operator(OSAKA, "/actuator/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(json.readTree(down.body()).path("components").path("routes").path("status").asText())
                    .isEqualTo("DOWN");
        } finally {
            net.camel(OSAKA).getRouteController().startRoute("transfer-in-delivery");
        }
        assertThat(operator(OSAKA, "/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void prometheus_has_the_flow_metrics_of_the_node() throws Exception {
        String metrics = operator(OSAKA, "/actuator/prometheus").body();
        assertThat(metrics)
                .contains("jukibus_flow_sent_total{flow=\"transfer-in\",node=\"" + OSAKA + "\"}")
                .contains("jukibus_flow_received_total{flow=\"transfer-in\",node=\"" + OSAKA + "\"}")
                .contains("jukibus_flow_latency_seconds_count{flow=\"transfer-in\",node=\"" + OSAKA + "\"}")
                .contains("jukibus_dlq_depth{flow=\"transfer-in\",node=\"" + OSAKA + "\"}");
    }

    @Test
    void info_names_the_node() throws Exception {
        JsonNode info = json.readTree(operator(SHINJUKU, "/actuator/info").body());
        assertThat(info.path("jukibus").path("code").asText()).isEqualTo(SHINJUKU);
        assertThat(info.path("jukibus").path("deadLetters").asText()).isEqualTo("org.jukibus:node=" + SHINJUKU + ",type=DeadLetters");
    }

    static HttpResponse<String> operator(String code, String path) throws Exception {
        return operator(net, code, path);
    }

    /** GET on a node's management port as the network's operator (card and PIN). */
    static HttpResponse<String> operator(TestNetwork network, String code, String path) throws Exception {
        return get(network, code, path, NetworkProvisioner.OPERATOR, new String(network.operatorPin()));
    }

    /** An HTTPS client presenting the network operator's card. */
    static HttpClient client(TestNetwork network) throws Exception {
        return HttpClient.newBuilder().sslContext(network.operatorCard().sslContext()).build();
    }

    static HttpResponse<String> get(String code, String path, String user, String password) throws Exception {
        return get(net, code, path, user, password);
    }

    static HttpResponse<String> get(TestNetwork network, String code, String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(network.managementUrl(code) + path)).GET();
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client(network).send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
