package org.jukibus.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's verdicts on the management port, against a stand-in server that refuses or lets in. */
class ManagementAttacksTest {

    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void a_port_that_answers_without_a_login_is_reported_not_refused() throws Exception {
        List<Outcome> outcomes = runAgainst(200);

        assertThat(outcomes).hasSize(4).allSatisfy(o -> assertThat(o.verdict()).isEqualTo(Outcome.Verdict.NOT_REFUSED));
    }

    @Test
    void a_port_that_asks_for_a_login_is_reported_refused() throws Exception {
        List<Outcome> outcomes = runAgainst(401);

        assertThat(outcomes).hasSize(4).allSatisfy(o -> {
            assertThat(o.verdict()).isEqualTo(Outcome.Verdict.REFUSED);
            assertThat(o.detail()).contains("401");
        });
    }

    private List<Outcome> runAgainst(int status) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return new ManagementAttacks(url, "operator").catalogue().stream().map(a -> {
            try {
                return a.run().execute();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
