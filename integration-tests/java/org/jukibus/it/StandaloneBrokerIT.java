package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.JMSFactoryType;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The municipal broker.xml, unchanged, runs under the standalone Artemis 2.40.0 distribution
 * (unpacked into target/ by the pom in pre-integration-test) through
 * {@code broker-config/standalone/run-standalone.sh}, with security on and TLS client-certificate
 * login: peers are mapped to node code and role by cert-users/cert-roles.properties, and the
 * broker.xml's security settings decide what each role may do, and its broker plugin binds a peer's
 * duplicate id to the peer.
 */
// order is inherent: the last test reads the owner's queue: exactly the one notice the first test sent
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneBrokerIT {

    private static final String TRANSFER_IN = "jukibus.inbound.transfer-in";
    private static final String LOOPBACK = "127.0.0.1";
    private static final char[] PASSWORD = "it-secret".toCharArray();
    private static final Path WORK = Path.of("target", "standalone-broker-it").toAbsolutePath();

    @TempDir
    static Path tmp;

    private static Process broker;
    private static Path brokerLog;
    private static int primaryPort;
    private static int backupPort;
    private static Path truststore;
    private static Path ownerKeystore;      // 131016, the broker's own node
    private static Path peerKeystore;       // 131041, another municipality
    private static Path prefectureKeystore; // 13
    private static Path unlistedKeystore;   // a municipality from the right CA but not in cert-users
    private static Path foreignKeystore;    // "131041" issued by another CA

    @BeforeAll
    static void startStandaloneBroker() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root CA (IT)", PASSWORD);
        CertificateAuthority otherCa = CertificateAuthority.create(tmp.resolve("other-ca"), "Juki-net Root CA (IT)", PASSWORD);
        List<String> hosts = List.of(LOOPBACK);
        Duration validity = Duration.ofDays(1);

        KeyMaterial owner = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131016", "千代田区"), hosts, validity);
        KeyMaterial peer = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), hosts, validity);
        KeyMaterial prefecture = ca.issueKeyMaterial(new NodeIdentity(NodeRole.PREFECTURE, "13", "東京都"), hosts, validity);
        String unlistedCode = "13105" + NodeCodes.checkDigit("13105");
        KeyMaterial unlisted = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, unlistedCode, "文京区"), hosts, validity);
        KeyMaterial foreign = otherCa.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), hosts, validity);

        Path tls = Files.createDirectories(tmp.resolve("tls"));
        truststore = tls.resolve("truststore.p12");
        KeyStores.writeTrustStore(truststore, ca.certificate(), PASSWORD);
        ownerKeystore = keystore(tls, "131016", owner);
        peerKeystore = keystore(tls, "131041", peer);
        prefectureKeystore = keystore(tls, "13", prefecture);
        unlistedKeystore = keystore(tls, unlistedCode, unlisted);
        foreignKeystore = keystore(tls, "foreign-131041", foreign);
        Path crl = tls.resolve("crl.pem");
        Pem.writeCrl(crl, ca.currentCrl());

        // the operator's files: node properties, and the certificate -> node code -> role mapping
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        primaryPort = LoopbackPorts.next();
        backupPort = LoopbackPorts.next();
        Properties node = new Properties();
        node.setProperty("jukibus.broker.name", "131016");
        node.setProperty("jukibus.broker.data", tmp.resolve("data").toString());
        node.setProperty("jukibus.link.primary.host", LOOPBACK);
        node.setProperty("jukibus.link.primary.port", Integer.toString(primaryPort));
        node.setProperty("jukibus.link.backup.host", LOOPBACK);
        node.setProperty("jukibus.link.backup.port", Integer.toString(backupPort));
        node.setProperty("jukibus.tls.keystore", ownerKeystore.toString());
        node.setProperty("jukibus.tls.keystore-password", new String(PASSWORD));
        node.setProperty("jukibus.tls.truststore", truststore.toString());
        node.setProperty("jukibus.tls.truststore-password", new String(PASSWORD));
        node.setProperty("jukibus.tls.crl", crl.toString());
        writePlain(conf.resolve("node.properties"), node);

        // exact subject DNs as Artemis compares them (Properties.store escapes the non-ASCII name),
        // and, for the prefecture, the /regex/ form the README suggests for hand-written files
        Properties users = new Properties();
        users.setProperty("131016", artemisSubjectDn(owner.certificate()));
        users.setProperty("131041", artemisSubjectDn(peer.certificate()));
        users.setProperty("13", "/.*, CN=13, OU=prefecture, O=Juki-net, C=JP/");
        try (OutputStream out = Files.newOutputStream(conf.resolve("cert-users.properties"))) {
            users.store(out, "certificate subject -> node code");
        }
        Files.writeString(conf.resolve("cert-roles.properties"), String.join("\n",
                "# role -> node codes",
                "node-local=131016",
                "municipal=131041",
                "prefecture=13", ""), StandardCharsets.ISO_8859_1);

        Files.createDirectories(WORK);
        brokerLog = WORK.resolve("broker.log");
        Path script = Path.of("broker-config", "standalone", "run-standalone.sh").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "municipal",
                WORK.resolve("instance").toString(), conf.resolve("node.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(brokerLog.toFile());
        pb.environment().put("ARTEMIS_HEAP", "256M");
        broker = pb.start();

        await("standalone broker accepting TLS on " + LOOPBACK + ":" + primaryPort)
                .atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!broker.isAlive()) {
                        throw new IllegalStateException("standalone broker exited with " + broker.exitValue()
                                + ":\n" + Files.readString(brokerLog));
                    }
                    return accepts(primaryPort);
                });
    }

    @AfterAll
    static void stopStandaloneBroker() throws Exception {
        if (broker != null) {
            broker.destroyForcibly();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void peerMunicipalityMaySendATransferInNotice() throws Exception {
        try (Connection c = connect(peerKeystore)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(TRANSFER_IN));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            TextMessage m = s.createTextMessage("<transfer-in from=\"131041\"/>");
            m.setStringProperty("_AMQ_DUPL_ID", "notice-1");
            producer.send(m);
        }
    }

    @Test
    @Order(2)
    void peerMunicipalityMayNotConsumeIt() throws Exception {
        try (Connection c = connect(peerKeystore)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(TRANSFER_IN);
            assertThatThrownBy(() -> s.createConsumer(q).receive(2000))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("'CONSUME'");
        }
        try (Connection c = connect(peerKeystore)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(TRANSFER_IN);
            assertThatThrownBy(() -> Collections.list(s.createBrowser(q).getEnumeration()))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("'BROWSE'");
        }
    }

    @Test
    @Order(3)
    void prefectureMayLogInButNotSendATransferInNotice() throws Exception {
        try (Connection c = connect(prefectureKeystore)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            assertThatThrownBy(() -> producer.send(s.createQueue(TRANSFER_IN), s.createTextMessage("<x/>")))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("'SEND'");
        }
    }

    @Test
    @Order(4)
    void certificateOfTheNetworkCaNotListedInCertUsersCannotLogIn() {
        assertThatThrownBy(() -> connect(unlistedKeystore).close())
                .isInstanceOf(JMSSecurityException.class).hasMessageContaining("Unable to validate user");
    }

    @Test
    @Order(5)
    void certificateFromAnotherCaCannotConnectAtAll() {
        // with TLS 1.3 the client learns of the refused certificate only when its first call goes unanswered
        assertThatThrownBy(() -> connect(foreignKeystore, 2_000).close())
                .isInstanceOf(JMSException.class)
                .isNotInstanceOf(JMSSecurityException.class); // refused in the TLS handshake, before any login
    }

    @Test
    @Order(6)
    void ownerNodeFindsExactlyTheOneNoticeThePeerSent() throws Exception {
        try (Connection c = connect(ownerKeystore)) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(TRANSFER_IN);
            try (QueueBrowser browser = s.createBrowser(q)) {
                assertThat(Collections.list(browser.getEnumeration())).hasSize(1);
            }
            try (MessageConsumer consumer = s.createConsumer(q)) {
                Message m = consumer.receive(5000);
                assertThat(m).isInstanceOf(TextMessage.class);
                assertThat(((TextMessage) m).getText()).isEqualTo("<transfer-in from=\"131041\"/>");
                assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
                // the broker plugin (org.jukibus.broker.PeerMessageIds) runs here too: the peer's duplicate id is its own
                assertThat(m.getStringProperty("_AMQ_DUPL_ID")).isEqualTo("131041/notice-1");
                assertThat(consumer.receive(500)).isNull();
                assertThat(consumer.receiveNoWait()).isNull();
            }
        }
        assertThat(broker.isAlive()).isTrue();
        assertThat(accepts(backupPort)).as("the backup-line acceptor").isTrue();
    }

    // ------------------------------------------------------------------------------------------

    private static Connection connect(Path keystore) throws JMSException {
        return connect(keystore, 10_000);
    }

    private static Connection connect(Path keystore, long callTimeoutMillis) throws JMSException {
        Map<String, Object> p = new HashMap<>();
        p.put(TransportConstants.HOST_PROP_NAME, LOOPBACK);
        p.put(TransportConstants.PORT_PROP_NAME, primaryPort);
        p.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        p.put(TransportConstants.ENABLED_PROTOCOLS_PROP_NAME, "TLSv1.3");
        p.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
        p.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, keystore.toString());
        p.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, new String(PASSWORD));
        p.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
        p.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, truststore.toString());
        p.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, new String(PASSWORD));
        ActiveMQConnectionFactory factory = ActiveMQJMSClient.createConnectionFactoryWithoutHA(JMSFactoryType.CF,
                new TransportConfiguration(NettyConnectorFactory.class.getName(), p));
        factory.setCallTimeout(callTimeoutMillis);
        factory.setInitialConnectAttempts(1);
        factory.setReconnectAttempts(0);
        factory.setBlockOnDurableSend(true);
        return factory.createConnection();
    }

    private static Path keystore(Path dir, String name, KeyMaterial km) throws IOException {
        Path file = dir.resolve(name + ".p12");
        KeyStores.writeKeyStore(file, km, PASSWORD);
        return file;
    }

    /** The subject DN the way Artemis's certificate login module reads it: the JDK's getSubjectDN().getName(). */
    @SuppressWarnings("deprecation")
    private static String artemisSubjectDn(X509Certificate cert) throws Exception {
        X509Certificate jdk = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.getEncoded()));
        return jdk.getSubjectDN().getName();
    }

    /** key=value lines without escapes, the subset run-standalone.sh reads. */
    private static void writePlain(Path file, Properties props) throws IOException {
        StringBuilder out = new StringBuilder();
        props.stringPropertyNames().stream().sorted()
                .forEach(k -> out.append(k).append('=').append(props.getProperty(k)).append('\n'));
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
