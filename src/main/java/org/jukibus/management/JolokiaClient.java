package org.jukibus.management;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.cli.NodeAddress;
import org.jukibus.operators.OperatorCard;

/**
 * Calls a node's MBeans over HTTPS through its Jolokia endpoint ({@code /actuator/jolokia}) as an
 * operator (the card as TLS client certificate, operator id and PIN as HTTP Basic): the same operations Hawtio
 * runs, from a shell.
 */
public final class JolokiaClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    /**
     * @param node the node's management URL, e.g. {@code https://127.0.0.1:8081}
     * @param card the operator's card: the TLS client certificate, and the only root CA trusted for the node
     * @param pin  the operator's PIN
     */
    public JolokiaClient(String node, OperatorCard card, char[] pin) {
        this.base = URI.create(node.endsWith("/") ? node : node + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(card.sslContext()).build();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (card.operator().id() + ":" + new String(pin)).getBytes(StandardCharsets.UTF_8));
    }

    /** The node's {@code /actuator/info}. */
    public JsonNode info() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("actuator/info")).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).header("Accept", "application/json").GET().build();
        return JSON.readTree(send(request));
    }

    /** What {@code /actuator/info} says about the jukibus node behind this URL: code, role, MBean names. */
    public JsonNode nodeInfo() throws IOException, InterruptedException {
        JsonNode node = info().path("jukibus");
        if (!node.path("code").isTextual()) {
            throw new IOException(base + " is not a jukibus node's management port (no jukibus in /actuator/info)");
        }
        return node;
    }

    /** The object name of the dead-letter MBean of the node behind this URL. */
    public String deadLetterMBean() throws IOException, InterruptedException {
        JsonNode name = nodeInfo().path("deadLetters");
        if (!name.isTextual()) {
            throw new IOException(base + " is not a jukibus node's management port (no jukibus in /actuator/info)");
        }
        return name.asText();
    }

    /** GETs a text resource of the management port, e.g. {@code actuator/prometheus}, as the operator. */
    public String text(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).GET().build();
        return send(request);
    }

    /** Runs an MBean operation; returns its value, or throws with the node's error message. */
    public JsonNode exec(String mbean, String operation, Object... arguments) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "exec");
        body.put("mbean", mbean);
        body.put("operation", operation);
        body.put("arguments", new ArrayList<>(List.of(arguments)));
        return call(body);
    }

    /** Reads an MBean attribute; returns its value, or throws with the node's error message. */
    public JsonNode read(String mbean, String attribute) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "read");
        body.put("mbean", mbean);
        body.put("attribute", attribute);
        return call(body);
    }

    private JsonNode call(Map<String, Object> body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("actuator/jolokia")).timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        JsonNode answer = JSON.readTree(send(request));
        if (answer.path("status").asInt() != 200) {
            String error = answer.path("error").asText("status " + answer.path("status").asText());
            // Jolokia prefixes the exception class: keep only the message for the operator
            int colon = error.indexOf(" : ");
            throw new IOException(colon >= 0 ? error.substring(colon + 3) : error);
        }
        return answer.path("value");
    }

    private String send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new IOException("the node refused the login (HTTP " + response.statusCode() + "): wrong PIN, a card "
                    + "not registered with the node, or the operator is locked (the node's log says which)");
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + request.uri());
        }
        return response.body();
    }

    /** A failure to talk to the node at all, naming its host and port and what went wrong. */
    private IOException unreachable(IOException e) {
        String where = "the node's management port " + NodeAddress.hostPort(base);
        String why;
        if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            why = "unknown host";
        } else if (e instanceof java.net.ConnectException && (e.getMessage() == null || e.getMessage().contains("refused"))) {
            why = "connection refused (is the node running, and is this its jukibus.management.port?)";
        } else if (e instanceof java.net.http.HttpConnectTimeoutException) {
            why = "no answer to the connection within 10 s";
        } else if (e instanceof java.net.http.HttpTimeoutException) {
            why = "no answer within the request's time-out";
        } else if (e instanceof javax.net.ssl.SSLException) {
            why = "TLS failed (" + e.getMessage() + "): a node of another network's CA, or a card it does not accept";
        } else {
            why = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return new IOException("cannot reach " + where + ": " + why, e);
    }
}
