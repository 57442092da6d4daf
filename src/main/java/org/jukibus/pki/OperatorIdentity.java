package org.jukibus.pki;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * An operator (操作者) as written in the certificate of the operator's identification card (操作者識別カード, standard
 * 第4の4(1)): the PKCS#12 file {@code jukibus pki issue-operator} makes. With the operator's PIN it authenticates the
 * operator at a node's management port.
 *
 * <p>Subject: {@code CN=<name>, UID=<id>, OU=operator, O=Juki-net, C=JP}. {@code operator} is neither a node role
 * nor {@code officer}, so {@link NodeIdentity} and {@link OfficerIdentity} refuse an operator certificate and this
 * class refuses theirs. Extended key usage clientAuth only (and key usage digitalSignature): a card authenticates
 * a person on a TLS connection, it cannot serve a node or sign an approval.
 */
public record OperatorIdentity(String id, String name) {

    /** The OU of every operator certificate. */
    public static final String UNIT = "operator";
    /** Operator ids: what an operator types as the user name; letters, digits, '.', '_', '-'. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public OperatorIdentity {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad operator id '" + id + "': 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (name == null || name.isBlank() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)
                || !name.equals(name.strip())) {
            throw new IllegalArgumentException("bad operator name: 1 to 128 characters, no control characters, "
                    + "no leading or trailing spaces");
        }
    }

    /** The certificate subject for this operator. */
    public X500Name toX500Name() {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, NodeIdentity.COUNTRY)
                .addRDN(BCStyle.O, NodeIdentity.ORGANIZATION)
                .addRDN(BCStyle.OU, UNIT)
                .addRDN(BCStyle.UID, id)
                .addRDN(BCStyle.CN, name)
                .build();
    }

    /**
     * Reads the operator from an operator certificate.
     *
     * @throws IllegalArgumentException when it is not a jukibus operator certificate
     */
    public static OperatorIdentity fromCertificate(X509Certificate cert) {
        CertificateSubject card = CertificateSubject.read(cert, "an operator certificate", UNIT, "CN=<name>, UID=<id>", 2,
                KeyPurposeId.id_kp_clientAuth);
        return card.identity(() -> new OperatorIdentity(card.single(BCStyle.UID), card.single(BCStyle.CN)));
    }

    @Override
    public String toString() {
        return "operator " + id + " (" + name + ")";
    }
}
