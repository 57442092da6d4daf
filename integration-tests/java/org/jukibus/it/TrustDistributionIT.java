package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.pki.CertificateAuthority;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory and CRL central publishes reach every node over the network and apply without a restart:
 * central's publish/ folder → prefecture 13 → its municipalities.
 */
@Tag("slow")
class TrustDistributionIT {

    /** The issue's bound: a revoked node is refused network-wide within 5 minutes of central publishing the CRL. */
    static final Duration BOUND = Duration.ofMinutes(5);

    @TempDir
    static Path root;
    @Provisioned({TOKYO_PREF, SHINJUKU, BUNKYO, CHIYODA})
    static TestNetwork net;
    static long startSerial;

    @BeforeAll
    static void start() throws Exception {
        // central holds the CA and renews a CRL that has less than 3 days left (checked every second here)
        Map<String, Object> central = net.node("central").properties();
        central.put("jukibus.trust.crl-renewal.ca-dir", net.network.ca().directory().toString());
        central.put("jukibus.trust.crl-renewal.password-file", net.network.caPasswordFile().toString());
        central.put("jukibus.trust.crl-renewal.check-interval", "1s");
        // every node but Chiyoda has already seen a newer directory without Chiyoda (as after a removal)
        NodeDirectory provisioned = provisionedDirectory();
        startSerial = provisioned.serial() + 1;
        byte[] withoutChiyoda = signed(startSerial, provisioned.all().stream().filter(e -> !e.code().equals(CHIYODA)).toList());
        for (String code : List.of("central", TOKYO_PREF, SHINJUKU, BUNKYO)) {
            Path stored = net.node(code).home().resolve("trust").resolve(NetworkTrust.DIRECTORY_FILE);
            Files.createDirectories(stored.getParent());
            Files.write(stored, withoutChiyoda);
        }
        net.start();
    }

    @Test
    void a_crl_published_at_central_refuses_the_revoked_municipality_at_another_one_without_a_restart() throws Exception {
        ProvisionedNode bunkyo = net.node(BUNKYO);
        Connection before = connectAs(bunkyo, SHINJUKU);
        send(before, "jukibus.inbound.transfer-in"); // accepted while Bunkyo is in good standing

        CertificateAuthority ca = currentCa();
        BigInteger published = NetworkTrust.crlNumber(ca.revoke(bunkyo.keys().certificate().getSerialNumber()));
        Instant publishedAt = Instant.now();
        publish(ca.directory().resolve(CertificateAuthority.CRL_FILE), "crl.pem");

        NetworkTrust shinjukuTrust = net.context(SHINJUKU).getBean(NetworkTrust.class);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> shinjukuTrust.state().crlNumber().compareTo(published) >= 0);
        assertThat(Duration.between(publishedAt, Instant.now())).isLessThan(BOUND);
        // stored: a restart would start from it
        assertThat(NetworkTrust.crlNumber(org.jukibus.pki.Pem.readCrl(
                net.node(SHINJUKU).home().resolve("trust").resolve(NetworkTrust.CRL_FILE)))).isGreaterThanOrEqualTo(published);

        // the session Bunkyo already had is closed, a new login is refused
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> send(before, "jukibus.inbound.transfer-in")).isInstanceOf(JMSException.class));
        assertThatThrownBy(() -> connectAs(bunkyo, SHINJUKU).close()).isInstanceOf(JMSException.class);

        // an envelope Bunkyo sealed (carried by whatever route) is refused by Shinjuku as from an unknown sender
        NodeEnvelopes bunkyoSide = net.context(BUNKYO).getBean(NodeEnvelopes.class);
        byte[] envelope = bunkyoSide.seal("TransferInNotice", SHINJUKU, java.util.UUID.randomUUID().toString(), null,
                bunkyoSide.parsePayload(Notices.transferIn("T-REVOKED", "50000000008", BUNKYO, SHINJUKU), "TransferInNotice"));
        NodeEnvelopes shinjukuSide = net.context(SHINJUKU).getBean(NodeEnvelopes.class);
        assertThatThrownBy(() -> shinjukuSide.open(envelope))
                .isInstanceOfSatisfying(EnvelopeRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectionReason.UNKNOWN_SENDER));

        // a node that is not revoked still logs in (Chiyoda may not be in Shinjuku's directory yet, by test order)
        connectAs(net.node(TOKYO_PREF), SHINJUKU).close();
    }

    @Test
    void a_node_added_to_a_published_directory_becomes_reachable_without_a_restart() throws Exception {
        assertThat(net.context(SHINJUKU).getBean(NetworkTrust.class).directory().byCode(CHIYODA)).isEmpty();

        TrustOperator.publish(net, signed(startSerial + 1, provisionedDirectory().all()), "directory.xml");

        for (String code : List.of("central", TOKYO_PREF, SHINJUKU, BUNKYO)) {
            NetworkTrust trust = net.context(code).getBean(NetworkTrust.class);
            await().atMost(BOUND).until(() -> trust.directory().serial() == startSerial + 1);
        }
        // Shinjuku's legacy system sends Chiyoda a transfer-in notice: it arrives
        net.drop(SHINJUKU, "transfer-in", "N-NEW-1.xml", Notices.transferIn("N-NEW-1", SAMPLE_RESIDENT, SHINJUKU, CHIYODA));
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(CHIYODA, "outbox", "transfer-in").size() == 1);
        // and an older directory offered later is a rollback, dead-lettered at Shinjuku, not applied
        assertThatThrownBy(() -> net.context(SHINJUKU).getBean(NetworkTrust.class)
                .offer(signed(startSerial, provisionedDirectory().all())))
                .hasMessageContaining("ROLLBACK");
    }

    @Test
    void central_renews_a_crl_that_is_due_and_the_nodes_below_get_the_new_one() throws Exception {
        X509CRL shortLived = currentCa().issueCrl(Duration.ofDays(1)); // inside central's 3-day renewal window
        BigInteger published = NetworkTrust.crlNumber(shortLived);
        Path file = root.resolve("short-lived-crl.pem");
        org.jukibus.pki.Pem.writeCrl(file, shortLived);
        publish(file, "crl.pem");

        // (Chiyoda may not be in its prefecture's directory yet: that depends on the order the tests run in)
        for (String code : List.of(TOKYO_PREF, SHINJUKU)) {
            NetworkTrust trust = net.context(code).getBean(NetworkTrust.class);
            await().atMost(BOUND).until(() -> trust.state().crlNumber().compareTo(published) > 0);
            assertThat(trust.crl().getNextUpdate().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(6)));
        }
    }

    private static CertificateAuthority currentCa() throws Exception {
        return TrustOperator.ca(net, Clock.systemUTC());
    }

    private static NodeDirectory provisionedDirectory() throws Exception {
        return TrustOperator.provisionedDirectory(net);
    }

    private static byte[] signed(long serial, List<org.jukibus.directory.NodeEntry> entries) {
        return TrustOperator.signedDirectory(net, serial, entries, Clock.systemUTC());
    }

    private static void publish(Path file, String name) throws Exception {
        TrustOperator.publish(net, file, name);
    }

    private static Connection connectAs(ProvisionedNode node, String to) throws Exception {
        return TrustOperator.connectAs(net, node, to);
    }

    private static void send(Connection c, String address) throws JMSException {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(address));
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(new byte[] {1, 2, 3});
        p.send(m);
    }
}
