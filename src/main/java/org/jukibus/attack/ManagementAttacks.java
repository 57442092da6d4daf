package org.jukibus.attack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;

import org.jukibus.operators.OperatorCard;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;

/**
 * Attacks on the target's management port (Hawtio, Jolokia, actuator; HTTPS with the operator's
 * card as client certificate, then operator id and PIN): in without a card, with a card of
 * another CA, with the operator's card but no PIN, and guessing the PIN. Run last: guessing locks
 * the operator (第4の4(8)) — the one the simulator itself logs in as — until an officer unlocks.
 */
final class ManagementAttacks {

    static final int GUESSES = 5;
    private static final String READ_RUNTIME = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Name\"}";

    private final String managementUrl;
    private final X509Certificate rootCa;
    private final OperatorCard card;
    private final char[] pin;
    private final Path work;

    /**
     * @param managementUrl the target's management URL, e.g. {@code https://127.0.0.1:8081}
     * @param rootCa        the network CA, which issued the target's server certificate
     * @param card          the operator card the simulator logs in with
     * @param pin           that operator's PIN (to show that, after the guesses, even the right one is refused)
     * @param work          a folder for the foreign CA the simulator makes
     */
    ManagementAttacks(String managementUrl, X509Certificate rootCa, OperatorCard card, char[] pin, Path work) {
        this.managementUrl = managementUrl;
        this.rootCa = rootCa;
        this.card = card;
        this.pin = pin.clone();
        this.work = work;
    }

    List<Attack> catalogue() {
        List<Attack> a = new ArrayList<>();
        a.add(new Attack("management-without-card", "management", "reach the management port without an operator card",
                () -> withCard(null)));
        a.add(new Attack("management-foreign-card", "management", "present an operator card of another CA naming the operator",
                () -> withCard(foreignCard())));
        a.add(new Attack("jolokia-card-without-pin", "management", "run a Jolokia read with the operator's card but no PIN",
                () -> cardWithoutPin(() -> post(client(card.sslContext()), "actuator/jolokia", READ_RUNTIME, null))));
        a.add(new Attack("hawtio-jolokia-card-without-pin", "management", "use Hawtio's Jolokia proxy with the card but no PIN",
                () -> cardWithoutPin(() -> get(client(card.sslContext()), "actuator/hawtio/jolokia/read/java.lang:type=Runtime/Name"))));
        a.add(new Attack("metrics-card-without-pin", "management", "read the node's metrics with the card but no PIN",
                () -> cardWithoutPin(() -> get(client(card.sslContext()), "actuator/prometheus"))));
        a.add(new Attack("pin-guessing", "management",
                GUESSES + " guessed PINs for operator '" + card.operator().id() + "' with their card, then the right PIN",
                this::guess));
        return a;
    }

    private Outcome guess() throws Exception {
        HttpClient http = client(card.sslContext());
        // positive control: the right PIN logs in before the guessing, so its refusal afterwards is the lockout's
        HttpResponse<String> before = post(http, "actuator/jolokia", READ_RUNTIME, basic(pin));
        if (before.statusCode() != 200) {
            return Outcome.notRun("the right PIN does not log in even before the guessing (HTTP " + before.statusCode() + ")");
        }
        SecureRandom random = new SecureRandom();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < GUESSES; i++) {
            String guess = String.format("%04d", random.nextInt(10_000));
            if (guess.equals(new String(pin))) {
                continue;
            }
            HttpResponse<String> r = post(http, "actuator/jolokia", READ_RUNTIME, basic(guess.toCharArray()));
            statuses.add(r.statusCode());
            if (r.statusCode() == 200) {
                return Outcome.notRefused("guess " + (i + 1) + " logged in");
            }
        }
        HttpResponse<String> right = post(http, "actuator/jolokia", READ_RUNTIME, basic(pin));
        return right.statusCode() == 200
                ? Outcome.notRefused("guesses refused (HTTP " + statuses + ") but no lockout: the right PIN still logs in")
                : Outcome.refused("guesses refused (HTTP " + statuses + "), then the right PIN too (HTTP "
                + right.statusCode() + "): the operator is locked");
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * Presents {@code clientKeys} (or no card) to the management port whatever CAs it names. Refused when the
     * TLS handshake ends there (for a card: after it went out; not run if it never did, as that would only repeat
     * management-without-card); should TLS let the connection through, the port's answer decides.
     */
    private Outcome withCard(KeyMaterial clientKeys) throws Exception {
        URI uri = base();
        TlsProbe.Result r = TlsProbe.probe(uri.getHost(), uri.getPort(), clientKeys, rootCa, "TLSv1.3");
        if (r.verdict() == TlsProbe.Verdict.ACCEPTED) {
            Outcome o = expectRefused(() -> post(client(TlsProbe.context(clientKeys, rootCa, new AtomicBoolean())),
                    "actuator/jolokia", READ_RUNTIME, null));
            return new Outcome(o.verdict(), r.describe() + ", then " + o.detail());
        }
        if (clientKeys != null && !r.presented()) {
            return Outcome.notRun("the card was never presented (" + r.describe() + ")");
        }
        return Outcome.refused(r.describe());
    }

    /** With the genuine card, so TLS must let the request through: the PIN check is what must refuse it. */
    private static Outcome cardWithoutPin(Request request) throws Exception {
        try {
            return expectRefused(request);
        } catch (IOException e) {
            return Outcome.notRun("the operator's own card was refused at TLS, the PIN check was never reached: " + LinkAttacks.brief(e));
        }
    }

    /** Refused: the port answered 401/403 or with the login page. */
    private static Outcome expectRefused(Request request) throws Exception {
        HttpResponse<String> r = request.send();
        int s = r.statusCode();
        if (s == 401 || s == 403) {
            return Outcome.refused("HTTP " + s);
        }
        if (s / 100 == 3 && r.headers().firstValue("Location").orElse("").contains("login")) {
            return Outcome.refused("HTTP " + s + " to the login page");
        }
        return s / 100 == 2 ? Outcome.notRefused("HTTP " + s + ": answered without a login") : Outcome.refused("HTTP " + s);
    }

    private KeyMaterial foreignCard() throws IOException {
        CertificateAuthority foreign = CertificateAuthority.create(work.resolve("foreign-operator-ca"), "Not Juki-net",
                "foreign".toCharArray());
        return foreign.issueOperatorKeyMaterial(card.operator(), Duration.ofDays(1));
    }

    private static HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(ssl)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private String basic(char[] secret) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (card.operator().id() + ":" + new String(secret)).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient http, String path, String json, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI base() {
        return URI.create(managementUrl.endsWith("/") ? managementUrl : managementUrl + "/");
    }
}
