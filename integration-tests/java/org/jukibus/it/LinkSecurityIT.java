package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.directory.Endpoint;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may connect to a municipal node's broker, and what they may do there: mutual TLS with a
 * certificate from the network CA that is in the directory and not revoked; a peer may only send
 * what its role may send, and nobody may consume remotely.
 */
class LinkSecurityIT {

    static final String REVOKED = BUNKYO;
    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final String PASSWORD = "test-store-password";

    @TempDir
    static Path root;
    @Provisioned({TOKYO_PREF, SHINJUKU, OSAKA, REVOKED})
    static TestNetwork net;
    static Path truststore;
    static Endpoint osaka;

    @BeforeAll
    static void start() throws Exception {
        // revoked before Osaka starts: its acceptors load the CRL that lists it
        net.network.ca().revoke(net.node(REVOKED).keys().certificate().getSerialNumber());
        net.start(OSAKA);
        osaka = net.node(OSAKA).primary();
        truststore = root.resolve("truststore.p12");
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), PASSWORD.toCharArray());
    }

    @Test
    void a_municipality_in_the_directory_may_send_a_transfer_in_notice() throws Exception {
        try (Connection c = connectAs(net.node(SHINJUKU))) {
            assertThatCode(() -> send(c, INBOUND)).doesNotThrowAnyException();
        }
    }

    @Test
    void the_backup_line_accepts_the_same_peer() throws Exception {
        try (Connection c = TlsPeer.connect(net.node(OSAKA).backup(), keystoreOf(net.node(SHINJUKU)), PASSWORD, truststore, PASSWORD)) {
            assertThatCode(() -> send(c, INBOUND)).doesNotThrowAnyException();
        }
    }

    @Test
    void a_peer_may_not_consume_browse_or_send_to_internal_queues() throws Exception {
        try (Connection c = connectAs(net.node(SHINJUKU))) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue(INBOUND))).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createBrowser(s.createQueue(INBOUND)).getEnumeration()).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> send(c, "jukibus.outbound")).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> send(c, "jukibus.dlq")).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> send(c, "jukibus.new-address")).isInstanceOf(JMSException.class);
            // a parking queue (flow.ParkedEnvelopes) is auto-created for this node: never by a peer, nor written or read by one
            assertThatThrownBy(() -> send(c, "jukibus.parked." + SHINJUKU)).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("jukibus.parked." + SHINJUKU))).isInstanceOf(JMSException.class);
        }
    }

    @Test
    void a_prefecture_may_not_send_a_transfer_in_notice() throws Exception {
        try (Connection c = connectAs(net.node("13"))) {
            assertThatThrownBy(() -> send(c, INBOUND)).isInstanceOf(JMSSecurityException.class);
        }
    }

    /** 転入転出の特例 (第6の5(3)(4)) is municipal to municipal only (第3の3(3)). */
    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({
            "13,      jukibus.inbound.first-transfer-in",
            "13,      jukibus.inbound.transfer-out-certificate-info",
            "central, jukibus.inbound.first-transfer-in",
            "central, jukibus.inbound.transfer-out-certificate-info",
    })
    void a_prefecture_or_central_may_not_send_special_transfer_messages(String sender, String address) throws Exception {
        assertMayNotSend(sender, address);
    }

    /** 住民票の写しの交付の特例 (第6の4(1)(2)) is municipal to municipal only (第3の3(3)). */
    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({
            "13,      jukibus.inbound.certificate-copy-request",
            "13,      jukibus.inbound.certificate-copy-reply",
            "central, jukibus.inbound.certificate-copy-request",
            "central, jukibus.inbound.certificate-copy-reply",
    })
    void a_prefecture_or_central_may_not_send_certificate_copy_messages(String sender, String address) throws Exception {
        assertMayNotSend(sender, address);
    }

    /**
     * 更新件数リスト (第6の6(2)): a municipality's identity updates are confirmed by its prefecture only; no
     * other municipality nor central may put an update-count list on a municipal node.
     */
    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({
            "131041,  jukibus.inbound.update-count-list",
            "central, jukibus.inbound.update-count-list",
    })
    void only_a_prefecture_may_send_update_count_lists_to_a_municipality(String sender, String address) throws Exception {
        assertMayNotSend(sender, address);
    }

    private void assertMayNotSend(String sender, String address) throws Exception {
        try (Connection c = connectAs(net.node(sender))) {
            assertThatThrownBy(() -> send(c, address)).isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void a_revoked_certificate_is_refused() {
        assertThatThrownBy(() -> connectAs(net.node(REVOKED)).close()).isInstanceOf(JMSException.class);
    }

    @Test
    void a_certificate_of_our_ca_that_is_not_in_the_directory_is_refused() throws Exception {
        KeyMaterial stranger = net.network.ca().issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "132012", "豊島区"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        Path keystore = root.resolve("stranger.p12");
        KeyStores.writeKeyStore(keystore, stranger, PASSWORD.toCharArray());
        assertThatThrownBy(() -> TlsPeer.connect(osaka, keystore, PASSWORD, truststore, PASSWORD).close())
                .isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void a_certificate_from_another_ca_is_refused() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create(root.resolve("foreign"), "Not Juki-net", "x".toCharArray());
        KeyMaterial impostor = foreign.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        Path keystore = root.resolve("impostor.p12");
        KeyStores.writeKeyStore(keystore, impostor, PASSWORD.toCharArray());
        assertThatThrownBy(() -> TlsPeer.connect(osaka, keystore, PASSWORD, truststore, PASSWORD).close())
                .isInstanceOf(JMSException.class);
    }

    @Test
    void a_client_without_a_certificate_is_refused() {
        assertThatThrownBy(() -> TlsPeer.connect(osaka, null, null, truststore, PASSWORD).close())
                .isInstanceOf(JMSException.class);
    }

    private static Connection connectAs(ProvisionedNode node) throws Exception {
        return TlsPeer.connect(osaka, keystoreOf(node), PASSWORD, truststore, PASSWORD);
    }

    /** The node's own key in a keystore with a password this test knows. */
    private static Path keystoreOf(ProvisionedNode node) throws Exception {
        Path keystore = root.resolve("client-" + node.spec().code() + ".p12");
        if (!Files.exists(keystore)) {
            KeyStores.writeKeyStore(keystore, node.keys(), PASSWORD.toCharArray());
        }
        return keystore;
    }

    private static void send(Connection c, String address) throws JMSException {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(address));
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(new byte[] {1, 2, 3});
        p.send(m);
    }
}
