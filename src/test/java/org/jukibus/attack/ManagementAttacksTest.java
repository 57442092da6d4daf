package org.jukibus.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.jukibus.core.NodeRole;
import org.jukibus.operators.OperatorCard;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's verdicts on the management port, against an HTTPS stand-in that refuses or lets in. */
class ManagementAttacksTest {

    @TempDir
    Path dir;
    CertificateAuthority ca;
    OperatorCard card;
    HttpsServer server;

    @BeforeEach
    void pki() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Test CA", "pw".toCharArray());
        OperatorIdentity operator = new OperatorIdentity("yamada", "山田");
        card = new OperatorCard(operator, ca.issueOperatorKeyMaterial(operator, Duration.ofDays(1)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void a_port_that_answers_without_a_card_or_pin_is_reported_not_refused() throws Exception {
        List<Outcome> outcomes = runAgainst(200);

        assertThat(outcomes).hasSize(6).allSatisfy(o -> assertThat(o.verdict()).isEqualTo(Outcome.Verdict.NOT_REFUSED));
    }

    @Test
    void a_port_that_refuses_every_login_is_reported_refused() throws Exception {
        List<Outcome> outcomes = runAgainst(401);

        assertThat(outcomes.subList(0, 5)).allSatisfy(o -> {
            assertThat(o.verdict()).isEqualTo(Outcome.Verdict.REFUSED);
            assertThat(o.detail()).contains("401");
        });
        // a lockout cannot be shown where even the right PIN never logged in
        assertThat(outcomes.get(5).verdict()).isEqualTo(Outcome.Verdict.NOT_RUN);
        assertThat(outcomes.get(5).detail()).contains("right PIN does not log in even before the guessing (HTTP 401)");
    }

    private List<Outcome> runAgainst(int status) throws Exception {
        KeyMaterial serverKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"),
                List.of("127.0.0.1"), Duration.ofDays(1));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverKeys.privateKey(), new char[0], serverKeys.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String url = "https://127.0.0.1:" + server.getAddress().getPort();
        return new ManagementAttacks(url, ca.certificate(), card, "1234".toCharArray(), dir).catalogue().stream().map(a -> {
            try {
                return a.run().execute();
            } catch (Exception e) {
                throw new AssertionError(a.name(), e);
            }
        }).toList();
    }
}
