package org.jukibus.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The one reading of an end-entity certificate that is not a node's (an operator's card, an officer's, a requester's,
 * a monitoring system's): not a CA, subject {@code <attributes>, OU=<unit>, O=Juki-net, C=JP} with each attribute
 * exactly once, and exactly one extended key usage. The unit tells the kinds apart, so each identity refuses the
 * others' certificates; every refusal says which kind was expected and why.
 */
final class CertificateSubject {

    private final X500Name x500;
    private final String subject;
    private final String kind;

    private CertificateSubject(X500Name x500, String subject, String kind) {
        this.x500 = x500;
        this.subject = subject;
        this.kind = kind;
    }

    /**
     * Reads {@code cert} as {@code kind} ("an operator certificate" …) of organisational unit {@code unit}.
     *
     * @param attributes the attributes beside C, O and OU, for the message ("CN=<name>, UID=<id>")
     * @param count      how many they are
     * @param purpose    its only extended key usage
     */
    static CertificateSubject read(X509Certificate cert, String kind, String unit, String attributes, int count,
                                   KeyPurposeId purpose) {
        String subject = cert.getSubjectX500Principal().getName();
        if (cert.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("not " + kind + " (it is a CA certificate): " + subject);
        }
        CertificateSubject read = new CertificateSubject(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()),
                subject, kind);
        if (read.x500.getRDNs().length != count + 3 || !NodeIdentity.COUNTRY.equals(read.single(BCStyle.C))
                || !NodeIdentity.ORGANIZATION.equals(read.single(BCStyle.O)) || !unit.equals(read.single(BCStyle.OU))) {
            throw new IllegalArgumentException("not " + kind + " (expected " + attributes + ", OU=" + unit + ", O="
                    + NodeIdentity.ORGANIZATION + ", C=" + NodeIdentity.COUNTRY + "): " + subject);
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku == null || !eku.equals(List.of(purpose.getId()))) {
                throw new IllegalArgumentException("not " + kind + " (its only extended key usage must be "
                        + (purpose.equals(KeyPurposeId.id_kp_codeSigning) ? "codeSigning" : "clientAuth") + "): " + subject);
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("not " + kind + " (unreadable extended key usage): " + subject, e);
        }
        return read;
    }

    /** The one string value of an attribute of the subject. */
    String single(ASN1ObjectIdentifier type) {
        RDN[] rdns = x500.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued() || !(rdns[0].getFirst().getValue() instanceof ASN1String s)) {
            throw new IllegalArgumentException("not " + kind + " (expected exactly one "
                    + BCStyle.INSTANCE.oidToDisplayName(type) + " in the subject): " + subject);
        }
        return s.getString();
    }

    /** Makes the identity; a value its record refuses makes the certificate refused, naming why. */
    <T> T identity(Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not " + kind + " (" + e.getMessage() + "): " + subject, e);
        }
    }

    /** Refuses the certificate for another reason of its kind. */
    IllegalArgumentException refused(String why) {
        return new IllegalArgumentException("not " + kind + " (" + why + "): " + subject);
    }
}
