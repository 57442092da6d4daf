package org.jukibus.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.spi.core.remoting.ssl.SSLContextConfig;
import org.apache.activemq.artemis.spi.core.remoting.ssl.SSLContextFactoryProvider;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkSslContextsTest {

    static final char[] PW = "store-secret".toCharArray();

    @TempDir
    Path dir;

    @Test
    void artemis_uses_it_for_links() {
        assertThat(SSLContextFactoryProvider.getSSLContextFactory()).isInstanceOf(LinkSslContexts.class);
    }

    @Test
    void stores_are_opened_once_while_unchanged_and_a_replaced_trust_store_takes_effect_at_the_next_connection() throws Exception {
        CertificateAuthority ours = CertificateAuthority.create(dir.resolve("ours"), "Our Root", PW);
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other"), "Other Root", PW);
        Path keystore = dir.resolve("node.p12");
        Path truststore = dir.resolve("trust.p12");
        KeyStores.writeKeyStore(keystore, issue(ours, "131041"), PW);
        KeyStores.writeTrustStore(truststore, ours.certificate(), PW);
        LinkSslContexts contexts = new LinkSslContexts();
        SSLContextConfig config = SSLContextConfig.builder().keystorePath(keystore.toString()).keystoreType("PKCS12")
                .keystorePassword(new String(PW)).truststorePath(truststore.toString()).truststoreType("PKCS12")
                .truststorePassword(new String(PW)).build();
        Map<String, Object> link = new HashMap<>(Map.of(TransportConstants.SSL_CONTEXT_PROP_NAME, LinkSslContexts.LINK_CONTEXT));

        // a peer whose certificate comes from another CA is refused; retrying does not open the stores again
        try (SSLServerSocket peer = serve(issue(other, "271004"))) {
            for (int attempt = 0; attempt < 3; attempt++) {
                SSLContext context = contexts.getSSLContext(config, link);
                assertThatThrownBy(() -> handshake(context, peer)).isInstanceOf(SSLHandshakeException.class);
            }
            assertThat(contexts.storesOpened()).isEqualTo(1);

            // the trust store now holds the other root: the next connection trusts the peer
            KeyStores.writeTrustStore(truststore, other.certificate(), PW);
            handshake(contexts.getSSLContext(config, link), peer);
            assertThat(contexts.storesOpened()).isEqualTo(2);
        }
    }

    private static KeyMaterial issue(CertificateAuthority ca, String code) throws Exception {
        return ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, code, "node " + code), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
    }

    /** A TLS server on loopback presenting {@code keys}; it accepts and handshakes one connection per client. */
    private SSLServerSocket serve(KeyMaterial keys) throws Exception {
        Path store = dir.resolve("peer-" + keys.identity().code() + ".p12");
        KeyStores.writeKeyStore(store, keys, PW);
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(KeyStores.load(store, PW), PW);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (Exception e) {
                    // a refused handshake, or the server closed
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    private static void handshake(SSLContext context, SSLServerSocket peer) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                peer.getLocalPort())) {
            socket.startHandshake();
        }
    }
}
