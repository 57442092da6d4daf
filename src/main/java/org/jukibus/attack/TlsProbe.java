package org.jukibus.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

import org.jukibus.pki.KeyMaterial;

/**
 * One TLS handshake with a node's port that presents the given client certificate whatever the
 * server asks for, and reports what the server made of it.
 *
 * <p>Why not an ordinary TLS client: the JDK's key managers send no certificate at all when the
 * server's list of acceptable CAs does not name the certificate's issuer, so an attack "with a
 * certificate of another CA" made with one only ever tested "without a certificate". Here the
 * certificate is offered regardless, and the probe records whether it went out.
 *
 * <p>With TLS 1.3 the client finishes its side of the handshake before the server has judged the
 * client certificate; the server's verdict (an alert) arrives with the first read. A server that
 * accepted the handshake waits for the client to speak, so a read that times out means accepted.
 */
final class TlsProbe {

    private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int VERDICT_TIMEOUT_MS = 5_000;

    /** What the server made of the handshake. */
    enum Verdict { ACCEPTED, ALERT, CLOSED }

    /**
     * @param presented whether the client certificate was sent (the server asked for one, and it went out)
     * @param verdict   the server's answer
     * @param detail    the alert's name for {@link Verdict#ALERT}, else what happened
     */
    record Result(boolean presented, Verdict verdict, String detail) {

        /**
         * The server ended the handshake after the certificate went out. (Its alert alone would not tell: a JDK
         * server answers no certificate with bad_certificate, as it may a refused one.)
         */
        boolean refusedThePresentedCertificate() {
            return presented && verdict != Verdict.ACCEPTED;
        }

        String describe() {
            return switch (verdict) {
                case ACCEPTED -> "TLS handshake accepted" + (presented ? " with the certificate" : " without a certificate");
                case ALERT -> "TLS alert " + detail + (presented ? " after the certificate was presented" : " (no certificate presented)");
                case CLOSED -> detail + (presented ? " after the certificate was presented" : "");
            };
        }
    }

    private TlsProbe() {
    }

    /**
     * @param client   the certificate and key to present, or null to present none
     * @param rootCa   the network CA, trusted for the server's side (so a failure is the server's refusal, not ours)
     * @param protocol e.g. {@code TLSv1.3}
     */
    static Result probe(String host, int port, KeyMaterial client, X509Certificate rootCa, String protocol) throws Exception {
        AtomicBoolean presented = new AtomicBoolean();
        SSLContext ssl = context(client, rootCa, presented);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(VERDICT_TIMEOUT_MS);
            socket.startHandshake();
            int first = socket.getInputStream().read();
            return new Result(presented.get(), Verdict.CLOSED, first < 0
                    ? "the server closed the connection without an alert" : "the server spoke first (not a node's port?)");
        } catch (SocketTimeoutException e) {
            return new Result(presented.get(), Verdict.ACCEPTED, "");
        } catch (SSLException e) {
            Matcher m = ALERT.matcher(String.valueOf(e.getMessage()));
            return m.find() ? new Result(presented.get(), Verdict.ALERT, m.group(1))
                    : new Result(presented.get(), Verdict.CLOSED, "TLS failed: " + LinkAttacks.brief(e));
        } catch (IOException e) {
            return new Result(presented.get(), Verdict.CLOSED, "the server dropped the connection: " + LinkAttacks.brief(e));
        }
    }

    /**
     * TLS that trusts {@code rootCa} for the server's side and presents {@code client} (or nothing, when null)
     * whatever CAs the server names; {@code presented} is set when the certificate goes out.
     */
    static SSLContext context(KeyMaterial client, X509Certificate rootCa, AtomicBoolean presented) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root-ca", rootCa);
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(client == null ? null : new KeyManager[] {new AlwaysPresent(client, presented)}, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** Offers its one certificate to any server, whatever issuers the server names, and notes when it went out. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private static final String ALIAS = "attack-sim";
        private final KeyMaterial keys;
        private final AtomicBoolean presented;

        AlwaysPresent(KeyMaterial keys, AtomicBoolean presented) {
            this.keys = keys;
            this.presented = presented;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            presented.set(true);
            return keys.chain().toArray(new X509Certificate[0]);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.privateKey();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
