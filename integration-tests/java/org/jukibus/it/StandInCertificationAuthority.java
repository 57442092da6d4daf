package org.jukibus.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.jukibus.audit.Sha256;
import org.jukibus.envelope.EnvelopeOpener;
import org.jukibus.envelope.OpenedEnvelope;
import org.jukibus.core.NodeRole;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * A stand-in for the designated certification authority (指定認証機関) in tests: HTTPS on 127.0.0.1
 * with a certificate from the test network's CA, client certificates required. It opens every envelope
 * with its own key, verifying the signature against the liaison node's certificate only, and records what
 * arrived; it answers with the status a test sets. It serves its feed of certificate holders
 * ({@code schemas/certificate-holders.xsd}) at {@code /certificate-holders}, two changes per answer so the
 * liaison pages. It can be stopped and started again on the same port.
 */
final class StandInCertificationAuthority implements AutoCloseable {

    static final String CODE = "jpki-ca";

    /** What arrived: the TLS client's certificate subject, the body's SHA-256 and the opened envelope. */
    record Arrival(String clientSubject, String sha256, OpenedEnvelope envelope) {
    }

    private final KeyMaterial keys;
    private final Path certificateFile;
    private final SSLContext tls;
    private final EnvelopeOpener opener;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    /** The holder feed: resident code and whether they hold a certificate, in Seq order (Seq = index + 1). */
    private final List<Map.Entry<String, Boolean>> holderChanges = new CopyOnWriteArrayList<>();

    private final int port;
    private HttpsServer server;

    StandInCertificationAuthority(TestNetwork net, String liaison, Path dir) throws Exception {
        CertificateAuthority ca = net.network.ca();
        keys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.LIAISON, CODE, "指定認証機関 (stand-in)"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        Files.createDirectories(dir);
        char[] password = "stand-in".toCharArray();
        Path keystore = dir.resolve("ca-endpoint.p12");
        Path truststore = dir.resolve("truststore.p12");
        KeyStores.writeKeyStore(keystore, keys, password);
        KeyStores.writeTrustStore(truststore, ca.certificate(), password);
        certificateFile = dir.resolve("ca-endpoint.pem");
        Pem.writeCertificate(certificateFile, keys.certificate());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(KeyStores.load(keystore, password), password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(KeyStores.load(truststore, password));
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        X509Certificate liaisonCertificate = net.node(liaison).keys().certificate();
        opener = EnvelopeOpener.builder().ownCode(CODE).ownKey(keys.privateKey()).ownCertificate(keys.certificate())
                .senderCertificates(code -> code.equals(liaison) ? List.of(liaisonCertificate) : List.of())
                .build();
        port = LoopbackPorts.next(); // kept over restarts: outside the ephemeral range
        start();
    }

    StandInCertificationAuthority start() throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 8);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/change-info", this::handle);
        server.createContext("/certificate-holders", this::holderFeed);
        server.start();
        return this;
    }

    /** A certificate is issued to these residents: the feed says so from now on. */
    void holds(String... residentCodes) {
        for (String code : residentCodes) {
            holderChanges.add(Map.entry(code, true));
        }
    }

    private void holderFeed(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            int after = Integer.parseInt(query.replaceFirst("^after=", ""));
            StringBuilder xml = new StringBuilder("<CertificateHolderChanges xmlns=\"urn:jukibus:certificate-holders:1\">");
            for (int seq = after + 1; seq <= Math.min(after + 2, holderChanges.size()); seq++) {
                Map.Entry<String, Boolean> change = holderChanges.get(seq - 1);
                xml.append("<Change><Seq>").append(seq).append("</Seq><ResidentCode>").append(change.getKey())
                        .append("</ResidentCode><Status>").append(change.getValue() ? "HOLDER" : "NOT_HOLDER")
                        .append("</Status></Change>");
            }
            byte[] body = xml.append("</CertificateHolderChanges>").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** Stops listening: connections are refused until {@link #start}. */
    void stop() {
        server.stop(0);
    }

    /** The status the stand-in answers from now on (200 accepts). */
    void answer(int status) {
        answer.set(status);
    }

    String endpoint() {
        return "https://127.0.0.1:" + port + "/change-info";
    }

    Path certificateFile() {
        return certificateFile;
    }

    /** What the stand-in accepted (answered 2xx), in arrival order. */
    List<Arrival> accepted() {
        return List.copyOf(arrivals);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status = answer.get();
            byte[] reply;
            try {
                OpenedEnvelope opened = opener.open(body);
                String subject = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName();
                if (status / 100 == 2) {
                    arrivals.add(new Arrival(subject, Sha256.hex(body), opened));
                }
                reply = ("answered " + status).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (Exception e) {
                status = 422;
                reply = ("cannot open the envelope: " + e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
