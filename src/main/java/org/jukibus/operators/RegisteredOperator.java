package org.jukibus.operators;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Set;

import org.jukibus.audit.Sha256;
import org.jukibus.pki.OperatorIdentity;

/**
 * An operator registered with a node (操作者の登録): the card certificate by its SHA-256 (so only that card, not
 * another card issued to the same name, opens the node), the PIN's bcrypt hash and the permissions.
 */
public record RegisteredOperator(String id, String name, String certificateSha256, String pinHash, Set<Permission> permissions) {

    public RegisteredOperator {
        new OperatorIdentity(id, name); // same rules as on the card
        Objects.requireNonNull(certificateSha256, "certificateSha256");
        if (!Pins.isHash(pinHash)) {
            throw new IllegalArgumentException("the PIN of operator " + id + " is not a bcrypt hash of cost "
                    + Pins.COST + " or more");
        }
        permissions = Set.copyOf(permissions);
    }

    /** Whether this operator holds a permission that allows {@code wanted}. */
    public boolean allows(Permission wanted) {
        return permissions.stream().anyMatch(p -> p.allows(wanted));
    }

    /** The SHA-256 (hex) of a certificate's DER encoding, as the registration names a card. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return Sha256.hex(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }
}
