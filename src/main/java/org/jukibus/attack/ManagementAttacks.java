package org.jukibus.attack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Attacks on the target's management port (Hawtio, Jolokia, actuator): every way in without an
 * operator's login, and guessing an operator's password. Run last: guessing may lock the operator
 * the simulator itself logs in as.
 */
final class ManagementAttacks {

    static final int GUESSES = 5;
    private static final String READ_RUNTIME = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Name\"}";

    private final String managementUrl;
    private final String operator;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** @param managementUrl the target's management URL, e.g. {@code http://127.0.0.1:8081} */
    ManagementAttacks(String managementUrl, String operator) {
        this.managementUrl = managementUrl;
        this.operator = operator;
    }

    List<Attack> catalogue() {
        List<Attack> a = new ArrayList<>();
        a.add(new Attack("jolokia-without-login", "management", "run a Jolokia read without logging in",
                () -> expectRefused(post("actuator/jolokia", READ_RUNTIME, null))));
        a.add(new Attack("hawtio-jolokia-without-login", "management", "use Hawtio's Jolokia proxy without logging in",
                () -> expectRefused(get("actuator/hawtio/jolokia/read/java.lang:type=Runtime/Name", null))));
        a.add(new Attack("metrics-without-login", "management", "read the node's metrics without logging in",
                () -> expectRefused(get("actuator/prometheus", null))));
        a.add(new Attack("operator-password-guessing", "management",
                GUESSES + " logins as operator '" + operator + "' with guessed passwords", this::guess));
        return a;
    }

    private Outcome guess() throws Exception {
        SecureRandom random = new SecureRandom();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < GUESSES; i++) {
            String password = String.format("%04d", random.nextInt(10_000));
            String basic = "Basic " + Base64.getEncoder().encodeToString((operator + ":" + password).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = post("actuator/jolokia", READ_RUNTIME, basic);
            statuses.add(r.statusCode());
            if (r.statusCode() == 200) {
                return Outcome.notRefused("guess " + (i + 1) + " logged in");
            }
        }
        return Outcome.refused("every guess refused (HTTP " + statuses + ")");
    }

    private static Outcome expectRefused(HttpResponse<String> r) {
        int s = r.statusCode();
        if (s == 401 || s == 403) {
            return Outcome.refused("HTTP " + s);
        }
        if (s / 100 == 3 && r.headers().firstValue("Location").orElse("").contains("login")) {
            return Outcome.refused("HTTP " + s + " to the login page");
        }
        return s / 100 == 2 ? Outcome.notRefused("HTTP " + s + ": answered without a login")
                : Outcome.refused("HTTP " + s);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI base() {
        String url = managementUrl;
        return URI.create(url.endsWith("/") ? url : url + "/");
    }
}
