package org.jukibus.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A node's private key and its certificate chain (the node certificate first, then the root CA certificate). */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    public KeyMaterial {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
    }

    /** The node's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The identity in the node certificate. */
    public NodeIdentity identity() {
        return NodeIdentity.fromCertificate(certificate());
    }
}
