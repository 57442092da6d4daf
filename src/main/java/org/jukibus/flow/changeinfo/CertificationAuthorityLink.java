package org.jukibus.flow.changeinfo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.jukibus.pki.KeyStores;

/**
 * The liaison node's HTTPS link to the designated certification authority (指定認証機関, 第3の3(1)):
 * mutual TLS 1.3 with the node's own key and certificate, and the authority's server certificate
 * checked against the network's root CA only (never the JDK's default trust) and against the
 * endpoint's host name.
 */
public final class CertificationAuthorityLink {

    /** The authority's answer: its HTTP status and the start of its body (for the operator). */
    public record Response(int status, String body) {
    }

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;

    public CertificationAuthorityLink(URI endpoint, SSLContext tls, Duration timeout) {
        if (!"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("jukibus.liaison.ca-endpoint must be an https URL, not " + endpoint);
        }
        this.endpoint = endpoint;
        this.timeout = timeout;
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        this.http = HttpClient.newBuilder().sslContext(tls).sslParameters(parameters).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** TLS with the node's key store (its key and certificate) and trust store (the network's root CA). */
    public static SSLContext tls(Path keystore, Path truststore, char[] password) throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(KeyStores.load(keystore, password), password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(KeyStores.load(truststore, password));
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to the certification authority: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Posts one sealed change-info envelope. Throws when no answer came (refused, reset, timed out,
     * TLS handshake failed); any HTTP answer is returned for the caller to judge.
     */
    public Response post(String messageId, byte[] envelope) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/xml")
                .header("X-Jukibus-Message-Id", messageId) // the authority drops a message id it already has
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return new Response(response.statusCode(), body.length() > 300 ? body.substring(0, 300) : body);
    }

    /**
     * Reads a document the authority serves over the same link (its feed of certificate holders): the
     * body of a 200 answer, at most {@code maxBytes}. Throws when there is no answer, another status, or
     * a longer body.
     */
    public byte[] fetch(URI uri, int maxBytes) throws IOException, InterruptedException {
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the certification authority is read over https only, not " + uri);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/xml").GET().build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (response.statusCode() != 200) {
                String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
                throw new IOException(uri + " answered HTTP " + response.statusCode() + (text.isBlank() ? "" : ": " + text));
            }
            if (body.length > maxBytes) {
                throw new IOException(uri + " answered more than " + maxBytes + " bytes");
            }
            return body;
        }
    }
}
