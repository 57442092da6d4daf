package org.jukibus.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe presents a certificate the server's CA list does not name (the JDK's own key managers would
 * send none), and says whether it went out and whether the server accepted the handshake.
 */
class TlsProbeTest {

    @TempDir
    Path dir;
    CertificateAuthority ca;
    SSLServerSocket server;
    Thread acceptor;

    @BeforeEach
    void server() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Test CA", "pw".toCharArray());
        KeyMaterial serverKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"),
                List.of("127.0.0.1"), Duration.ofDays(1));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverKeys.privateKey(), new char[0], serverKeys.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = (SSLServerSocket) ssl.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    s.setSoTimeout(10_000);
                    s.getInputStream().read(); // like a broker: waits for the client to speak
                } catch (IOException e) {
                    // a refused handshake, or the test is over
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5_000);
    }

    @Test
    void a_certificate_of_another_ca_is_presented_and_refused_as_such() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create(dir.resolve("foreign"), "Test CA", "pw".toCharArray());
        KeyMaterial impostor = foreign.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"),
                List.of("127.0.0.1"), Duration.ofDays(1));

        TlsProbe.Result r = probe(impostor);

        assertThat(r.presented()).as(r.describe()).isTrue();
        assertThat(r.verdict()).as(r.describe()).isNotEqualTo(TlsProbe.Verdict.ACCEPTED);
        assertThat(r.refusedThePresentedCertificate()).isTrue();
        assertThat(r.describe()).contains("after the certificate was presented");
    }

    @Test
    void no_certificate_is_refused_as_missing() throws Exception {
        TlsProbe.Result r = probe(null);

        assertThat(r.presented()).as(r.describe()).isFalse();
        assertThat(r.verdict()).as(r.describe()).isNotEqualTo(TlsProbe.Verdict.ACCEPTED);
        assertThat(r.refusedThePresentedCertificate()).isFalse();
        assertThat(r.describe()).contains("no certificate presented");
    }

    @Test
    void a_certificate_of_the_servers_ca_is_accepted() throws Exception {
        KeyMaterial peer = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"),
                List.of("127.0.0.1"), Duration.ofDays(1));

        TlsProbe.Result r = probe(peer);

        assertThat(r.presented()).isTrue();
        assertThat(r.verdict()).isEqualTo(TlsProbe.Verdict.ACCEPTED);
    }

    private TlsProbe.Result probe(KeyMaterial client) throws Exception {
        return TlsProbe.probe("127.0.0.1", server.getLocalPort(), client, ca.certificate(), "TLSv1.3");
    }
}
