package org.jukibus.provision;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.RequesterIdentity;
import org.jukibus.xml.SecureXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provision channel: {@code POST /identity-query} over HTTPS with mutual TLS, where requesters' systems
 * (国の機関等) query identity information. The node presents its own certificate; the client must present a
 * requester certificate of the network CA ({@code jukibus pki issue-requester}), checked at TLS against the CA
 * and then, per request, by {@link CertificateValidator#validateRequester} (CA, validity, CRL, requester profile).
 * The requester it names must be registered on the node ({@link Requesters}); the body must be an
 * {@link QueryConditions accepted} IdentityQuery. Every refusal answers with HTTP 4xx and a ProvisionError naming
 * what was wrong, is logged, and is in the operation log; refusals of the certificate also count as refused
 * logins ({@link SecurityEvents}, reported to central). JDK's {@link HttpsServer}: small, and no second web
 * stack beside the management port's.
 */
public final class ProvisionChannel implements AutoCloseable {

    public static final String PATH = "/identity-query";

    private static final Logger log = LoggerFactory.getLogger(ProvisionChannel.class);

    private final IdentityProvision provision;
    private final CertificateValidator validator;
    private final OperationLog audit;
    private final SecurityEvents securityEvents;
    private HttpsServer server;
    private ExecutorService executor;

    public ProvisionChannel(IdentityProvision provision, CertificateValidator validator, OperationLog audit,
                            SecurityEvents securityEvents) {
        this.provision = provision;
        this.validator = validator;
        this.audit = audit;
        this.securityEvents = securityEvents;
    }

    /** Listens on {@code address:port} with the node's key store (its certificate) and trust store (the network CA). */
    public ProvisionChannel start(String node, String address, int port, Path keystore, Path truststore, char[] password)
            throws IOException {
        SSLContext tls = tls(keystore, truststore, password);
        server = HttpsServer.create(new InetSocketAddress(address, port), 32);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                // "want", not "need": a client without a certificate gets an answer saying so (and is logged),
                // not a bare handshake failure; nothing is served to it
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "provision-" + node + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("provision channel of {} listening on https://{}:{}{}", node, address, port(), PATH);
        return this;
    }

    /** The port the channel listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    private void handle(HttpExchange exchange) {
        String remote = exchange.getRemoteAddress().getAddress().getHostAddress();
        RequesterIdentity requester = null;
        try (exchange) {
            try {
                requester = authenticate((HttpsExchange) exchange);
                if (!PATH.equals(exchange.getRequestURI().getPath())) {
                    throw new ProvisionRefused(ProvisionError.NOT_FOUND, "no " + exchange.getRequestURI().getPath()
                            + " here: queries go to POST " + PATH);
                }
                if (!"POST".equals(exchange.getRequestMethod())) {
                    throw new ProvisionRefused(ProvisionError.METHOD_NOT_ALLOWED, exchange.getRequestMethod() + " " + PATH
                            + ": queries are POSTed");
                }
                IdentityQuery query = QueryConditions.parse(body(exchange.getRequestBody()));
                send(exchange, 200, ProvisionXml.answer(provision.provide(requester, query)));
            } catch (ProvisionRefused refused) {
                refuse(remote, requester, refused);
                send(exchange, refused.error().httpStatus(), ProvisionXml.error(refused.error(), refused.getMessage()));
            } catch (RuntimeException e) {
                log.error("provision channel: query from {} failed, nothing provided: {}", remote, e.getMessage(), e);
                send(exchange, 500, ProvisionXml.error(ProvisionError.INTERNAL_ERROR,
                        "the node could not answer; nothing was provided"));
            }
        } catch (IOException e) {
            log.warn("provision channel: cannot answer {}: {}", remote, e.getMessage());
        }
    }

    private RequesterIdentity authenticate(HttpsExchange exchange) throws ProvisionRefused {
        X509Certificate cert;
        try {
            cert = (X509Certificate) exchange.getSSLSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            throw new ProvisionRefused(ProvisionError.NO_CLIENT_CERTIFICATE, "the provision channel needs the requester's "
                    + "client certificate (jukibus pki issue-requester)");
        }
        try {
            return validator.validateRequester(cert);
        } catch (CertificateRejectedException e) {
            throw new ProvisionRefused(ProvisionError.CERTIFICATE_REFUSED, e.getMessage());
        }
    }

    private void refuse(String remote, RequesterIdentity requester, ProvisionRefused refused) {
        String who = requester == null ? remote : requester.id() + " at " + remote;
        log.warn("PROVISION refused {} from {}: {}", refused.error(), who, refused.getMessage());
        ProvisionError e = refused.error();
        if (e == ProvisionError.NO_CLIENT_CERTIFICATE || e == ProvisionError.CERTIFICATE_REFUSED
                || e == ProvisionError.UNREGISTERED_REQUESTER) {
            securityEvents.loginRefused("provision channel " + who, refused.getMessage());
        } else if (e == ProvisionError.LIMIT_EXCEEDED) {
            // counted with the denied permissions: reported with the heartbeat, central alerts SECURITY
            securityEvents.permissionDenied("requester:" + requester.id(), "provision limit", refused.getMessage());
        }
        audit.record(AuditEvent.of(AuditKind.PROVISION_REFUSED).actor(requester == null ? null : "requester:" + requester.id())
                .flow("provision").detail(e + " from " + remote + ": " + refused.getMessage()));
    }

    private static byte[] body(InputStream in) throws ProvisionRefused {
        try {
            byte[] bytes = in.readNBytes(SecureXml.DEFAULT_MAX_BYTES + 1);
            if (bytes.length > SecureXml.DEFAULT_MAX_BYTES) {
                throw new ProvisionRefused(ProvisionError.TOO_LARGE, "the query is larger than "
                        + SecureXml.DEFAULT_MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new ProvisionRefused(ProvisionError.MALFORMED, "cannot read the query: " + e.getMessage());
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] xml) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/xml; charset=UTF-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store"); // answers carry personal data
        exchange.sendResponseHeaders(status, xml.length);
        exchange.getResponseBody().write(xml);
    }

    private SSLContext tls(Path keystore, Path truststore, char[] password) throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(KeyStores.load(keystore, password), password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            KeyStore anchors = KeyStores.load(truststore, password);
            trust.init(anchors);
            X509ExtendedTrustManager network = null;
            for (TrustManager tm : trust.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    network = x;
                }
            }
            if (network == null) {
                throw new IOException("no X.509 trust manager for " + truststore);
            }
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), new TrustManager[] {new Refusals(network)}, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the provision channel: " + e.getMessage(), e);
        }
    }

    /**
     * The network CA's trust manager, with its refusals of a client certificate (another CA's, a forged one) logged
     * and counted: they end the handshake, before any request could say so.
     */
    private final class Refusals extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager network;

        Refusals(X509ExtendedTrustManager network) {
            this.network = network;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                network.checkClientTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                refused(engine == null ? "?" : engine.getPeerHost(), chain, e);
                throw e;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                network.checkClientTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                refused(socket == null ? "?" : String.valueOf(socket.getInetAddress()), chain, e);
                throw e;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                network.checkClientTrusted(chain, authType);
            } catch (CertificateException e) {
                refused("?", chain, e);
                throw e;
            }
        }

        private void refused(String remote, X509Certificate[] chain, CertificateException e) {
            String subject = chain == null || chain.length == 0 ? "(none)" : chain[0].getSubjectX500Principal().getName();
            String why = "client certificate " + subject + " not issued by the network CA: " + e.getMessage();
            log.warn("PROVISION refused CERTIFICATE_REFUSED at TLS from {}: {}", remote, why);
            securityEvents.loginRefused("provision channel " + remote, why);
            try {
                audit.record(AuditEvent.of(AuditKind.PROVISION_REFUSED).flow("provision")
                        .detail(ProvisionError.CERTIFICATE_REFUSED + " at TLS from " + remote + ": " + why));
            } catch (RuntimeException auditFailed) {
                log.error("cannot record the refusal in the operation log: {}", auditFailed.getMessage());
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            network.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            network.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            network.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return network.getAcceptedIssuers();
        }
    }
}
