package org.jukibus.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.ActiveMQConnectionTimedOutException;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionRolledBackException;
import org.jukibus.core.NodeRole;
import org.jukibus.directory.Endpoint;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch's message the peer's broker refused fails alone; one whose line broke takes the line down with it (the
 * next attempt opens a fresh one).
 */
class PeerLinkTest {

    static final char[] PW = "store-secret".toCharArray();

    @TempDir
    Path dir;

    /**
     * A sender that finds another thread opening the peer's line waits for that open, briefly: the peer is not known
     * down, so it must not be told so (its message would be parked until the next check); once the open failed, the
     * peer is down and a send says so at once.
     */
    @Test
    void a_sender_waits_briefly_for_a_line_another_is_opening_and_is_not_told_the_peer_is_down() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", PW);
        Path keystore = dir.resolve("node.p12");
        Path truststore = dir.resolve("trust.p12");
        KeyStores.writeKeyStore(keystore, ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "node"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY), PW);
        KeyStores.writeTrustStore(truststore, ca.certificate(), PW);
        TlsClientSettings tls = new TlsClientSettings(keystore, new String(PW), truststore, new String(PW));
        LinkPolicy policy = new LinkPolicy(Duration.ofSeconds(5), 10, Duration.ofMinutes(5), Duration.ofMinutes(5));
        OutgoingMessage message = new OutgoingMessage("jukibus.inbound.transfer-in", new byte[] {1}, "m-1", Map.of());
        // a peer that takes the connection and never answers the handshake: the first open takes the handshake timeout
        List<Socket> held = new CopyOnWriteArrayList<>();
        CountDownLatch accepted = new CountDownLatch(1);
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                        accepted.countDown();
                    } catch (Exception e) {
                        // closed
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            PeerLink link = new PeerLink("271004", List.of(new Endpoint("127.0.0.1", silent.getLocalPort())), tls, policy,
                    Clock.systemUTC(), () -> { });

            CompletableFuture<Exception> opening = CompletableFuture.supplyAsync(() -> {
                try {
                    link.send(message);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(accepted.await(30, TimeUnit.SECONDS)).as("the first sender is opening the line").isTrue();

            long start = System.nanoTime();
            assertThatThrownBy(() -> link.send(message)).isInstanceOf(LineOpeningException.class);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waitedMillis).as("waited for the open, briefly").isBetween(PeerLink.OPEN_WAIT_MILLIS - 100,
                    PeerLink.OPEN_WAIT_MILLIS + 1500);
            assertThat(link.down()).isFalse();

            assertThat(opening.get(60, TimeUnit.SECONDS)).isInstanceOf(PeerUnreachableException.class);
            assertThat(link.down()).isTrue();
            start = System.nanoTime();
            assertThatThrownBy(() -> link.send(message)).isInstanceOf(PeerUnreachableException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("a peer known down: at once").isLessThan(500);
            link.close();
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * The recheck of a down peer asks its port first (a refused connect instead of a TLS open every retry interval,
     * issue 19 item 5), and goes on to the full open as soon as the port answers: the peer's return is tried at the
     * first recheck after it, as before.
     */
    @Test
    void a_down_peers_recheck_tries_the_full_open_as_soon_as_its_port_answers() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", PW);
        Path keystore = dir.resolve("node.p12");
        Path truststore = dir.resolve("trust.p12");
        KeyStores.writeKeyStore(keystore, ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "node"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY), PW);
        KeyStores.writeTrustStore(truststore, ca.certificate(), PW);
        TlsClientSettings tls = new TlsClientSettings(keystore, new String(PW), truststore, new String(PW));
        LinkPolicy policy = new LinkPolicy(Duration.ofSeconds(2), 10, Duration.ofMinutes(5), Duration.ofSeconds(1));
        int port;
        try (ServerSocket free = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Endpoint endpoint = new Endpoint("127.0.0.1", port);
        assertThat(PeerLink.answers(endpoint, 2000)).as("nothing listens there").isFalse();
        PeerLink link = new PeerLink("271004", List.of(endpoint), tls, policy, Clock.systemUTC(), () -> { });
        OutgoingMessage message = new OutgoingMessage("jukibus.inbound.transfer-in", new byte[] {1}, "m-1", Map.of());
        assertThatThrownBy(() -> link.send(message)).isInstanceOf(PeerUnreachableException.class);
        assertThat(link.down()).isTrue();
        link.recheck(); // refused: still down
        assertThat(link.down()).isTrue();

        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(port, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (Exception e) {
                        // closed
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            link.recheck(); // the port answers: the probe's connection, then the TLS open's (never answered here)
            assertThat(link.down()).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (held.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(held).as("the probe's connection and the TLS open's").hasSize(2);
            link.close();
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void a_refused_or_rolled_back_transaction_is_not_a_broken_line_a_lost_or_silent_connection_is() {
        assertThat(PeerLink.lineBroke(jms(new ActiveMQTransactionRolledBackException("duplicate")))).isFalse();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQDuplicateIdException()))).isFalse();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQSecurityException("not allowed")))).isFalse();
        assertThat(PeerLink.lineBroke(new JMSException("no cause"))).isFalse();

        assertThat(PeerLink.lineBroke(jms(new ActiveMQNotConnectedException("gone")))).isTrue();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQConnectionTimedOutException("no answer")))).isTrue();
    }

    private static JMSException jms(Exception cause) {
        JMSException e = new JMSException(cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
