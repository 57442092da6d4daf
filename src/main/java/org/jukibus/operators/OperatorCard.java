package org.jukibus.operators;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OperatorIdentity;

/**
 * An operator's identification card (操作者識別カード) as the {@code jukibus} commands use it: the PKCS#12 file from
 * {@code jukibus pki issue-operator}, opened with its card password. It authenticates the operator's TLS connection
 * to a node's management port and trusts only the network root CA that issued it (the last certificate of its chain)
 * for the node's side.
 */
public record OperatorCard(OperatorIdentity operator, KeyMaterial keys) {

    public static OperatorCard open(Path p12, char[] password) throws IOException {
        KeyMaterial keys = KeyStores.readKeyStore(p12, password);
        OperatorIdentity operator;
        try {
            operator = OperatorIdentity.fromCertificate(keys.certificate());
        } catch (IllegalArgumentException e) {
            throw new IOException(p12 + " is not an operator card: " + e.getMessage(), e);
        }
        if (keys.chain().size() < 2) {
            throw new IOException(p12 + " does not hold the root CA that issued the card");
        }
        return new OperatorCard(operator, keys);
    }

    /** TLS with this card as client certificate, trusting the card's root CA only. */
    public SSLContext sslContext() {
        try {
            char[] transientPassword = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("card", keys.privateKey(), transientPassword, keys.chain().toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, transientPassword);
            List<X509Certificate> chain = keys.chain();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root-ca", chain.get(chain.size() - 1));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot use the operator card for TLS: " + e.getMessage(), e);
        }
    }
}
