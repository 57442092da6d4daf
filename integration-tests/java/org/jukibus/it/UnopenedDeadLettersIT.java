package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import io.micrometer.core.instrument.MeterRegistry;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.pki.KeyStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * M5: a peer with a valid certificate flooding a node with junk (refused before any signature verified) gets its first
 * letters of the window kept whole as dead letters, up to its bytes; the rest are kept as records (headers, reason,
 * SHA-256, size) without their bodies, and counted; another peer's refused letters keep their place. Over TLS with
 * the peers' own certificates, so the producer is what the broker authenticated.
 */
class UnopenedDeadLettersIT {

    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final String PASSWORD = "test-store-password";

    @TempDir
    static Path root;
    @Provisioned({SHINJUKU, OSAKA, CHIYODA})
    static TestNetwork net;
    static Path truststore;

    @BeforeAll
    static void start() throws Exception {
        net.node(OSAKA).properties().put("jukibus.dead-letters.unopened.bytes", "800KB");
        net.start(OSAKA);
        truststore = root.resolve("truststore.p12");
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), PASSWORD.toCharArray());
    }

    @Test
    void a_flooding_peer_keeps_three_whole_the_rest_as_records_and_another_peers_refused_letters_are_all_kept_whole() throws Exception {
        byte[] junk = new byte[256 * 1024];
        Arrays.fill(junk, (byte) 'x');
        send(net.node(CHIYODA), junk, 20);
        send(net.node(SHINJUKU), "not xml either".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 2);

        await().atMost(Duration.ofSeconds(60)).until(() -> net.browse(OSAKA, INBOUND).isEmpty()
                && byProducer().getOrDefault(SHINJUKU, 0L) == 2);
        assertThat(byProducer()).isEqualTo(Map.of(CHIYODA, 20L, SHINJUKU, 2L));
        int whole = 0;
        for (Message dead : net.browse(OSAKA, "jukibus.dlq")) {
            assertThat(dead.getStringProperty("JukibusRejectReason")).isEqualTo("MALFORMED");
            assertThat(dead.getBooleanProperty("JukibusUnopened")).isTrue();
            long size = ((BytesMessage) dead).getBodyLength();
            if (CHIYODA.equals(dead.getStringProperty("JukibusProducer")) && size == 0) {
                assertThat(dead.getLongProperty("JukibusNotKeptBytes")).isEqualTo(junk.length);
                assertThat(dead.getStringProperty("JukibusNotKeptSha256")).isEqualTo(org.jukibus.audit.Sha256.hex(junk));
            } else {
                whole++;
            }
        }
        assertThat(whole).as("3 of the flood within 800 KB, and the other peer's 2").isEqualTo(5);
        MeterRegistry registry = net.context(OSAKA).getBean(MeterRegistry.class);
        // counted once each dead-lettering committed (UnopenedDeadLetters), just after the letter became visible
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(registry.get("jukibus.dlq.not.kept").tag("producer", CHIYODA).counter().count()).isEqualTo(17);
            assertThat(registry.get("jukibus.dlq.not.kept.bytes").tag("producer", CHIYODA).counter().count())
                    .isEqualTo(17.0 * junk.length);
        });
        assertThat(registry.find("jukibus.dlq.not.kept").tag("producer", SHINJUKU).counter()).isNull();
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
    }

    private static Map<String, Long> byProducer() throws Exception {
        List<Message> dead = net.browse(OSAKA, "jukibus.dlq");
        return dead.stream().collect(Collectors.groupingBy(m -> {
            try {
                return m.getStringProperty("JukibusProducer");
            } catch (jakarta.jms.JMSException e) {
                throw new IllegalStateException(e);
            }
        }, Collectors.counting()));
    }

    private static void send(ProvisionedNode peer, byte[] body, int times) throws Exception {
        Path keystore = root.resolve("client-" + peer.spec().code() + ".p12");
        if (!Files.exists(keystore)) {
            KeyStores.writeKeyStore(keystore, peer.keys(), PASSWORD.toCharArray());
        }
        try (Connection c = TlsPeer.connect(net.node(OSAKA).primary(), keystore, PASSWORD, truststore, PASSWORD)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(INBOUND));
            for (int i = 0; i < times; i++) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                p.send(m);
            }
        }
    }
}
