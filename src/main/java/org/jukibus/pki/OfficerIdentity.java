package org.jukibus.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A responsible officer (責任者) who approves the programs a node runs (standard 第4の8(1)イ: programs are
 * registered and removed only on the instruction or approval of the responsible officer), as written in
 * the officer's certificate.
 *
 * <p>Subject: {@code CN=<name>, OU=officer, O=Juki-net, C=JP}, the same shape as a node certificate's
 * ({@link NodeIdentity}) with {@code officer} in the place of the role. {@code officer} is not a node
 * role, so {@link NodeIdentity#fromCertificate} refuses an officer certificate, and this class refuses
 * a node certificate: neither can stand in for the other. The certificate's only extended key usage is
 * codeSigning (and its key usage digitalSignature|nonRepudiation): it cannot authenticate a TLS link.
 */
public record OfficerIdentity(String name) {

    /** The OU of every officer certificate. */
    public static final String UNIT = "officer";

    public OfficerIdentity {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an officer needs a name");
        }
        if (name.length() > 128 || name.chars().anyMatch(Character::isISOControl) || !name.equals(name.strip())) {
            throw new IllegalArgumentException("bad officer name: at most 128 characters, no control characters, "
                    + "no leading or trailing spaces");
        }
    }

    /** The certificate subject for this officer. */
    public X500Name toX500Name() {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, NodeIdentity.COUNTRY)
                .addRDN(BCStyle.O, NodeIdentity.ORGANIZATION)
                .addRDN(BCStyle.OU, UNIT)
                .addRDN(BCStyle.CN, name)
                .build();
    }

    /**
     * Reads the officer from an officer certificate.
     *
     * @throws IllegalArgumentException when the certificate is not a jukibus officer certificate (a CA or node
     *         certificate, wrong subject, or without the codeSigning extended key usage)
     */
    public static OfficerIdentity fromCertificate(X509Certificate cert) {
        String subject = cert.getSubjectX500Principal().getName();
        if (cert.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("not an officer certificate (it is a CA certificate): " + subject);
        }
        X500Name x500 = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        if (x500.getRDNs().length != 4 || !NodeIdentity.COUNTRY.equals(single(x500, BCStyle.C, subject))
                || !NodeIdentity.ORGANIZATION.equals(single(x500, BCStyle.O, subject))
                || !UNIT.equals(single(x500, BCStyle.OU, subject))) {
            throw new IllegalArgumentException("not an officer certificate (expected CN=<name>, OU=" + UNIT
                    + ", O=" + NodeIdentity.ORGANIZATION + ", C=" + NodeIdentity.COUNTRY + "): " + subject);
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku == null || !eku.equals(List.of(KeyPurposeId.id_kp_codeSigning.getId()))) {
                throw new IllegalArgumentException("not an officer certificate (its only extended key usage must be "
                        + "codeSigning): " + subject);
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("not an officer certificate (unreadable extended key usage): " + subject, e);
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage == null || !usage[0]) {
            throw new IllegalArgumentException("not an officer certificate (no digitalSignature key usage): " + subject);
        }
        return new OfficerIdentity(single(x500, BCStyle.CN, subject));
    }

    private static String single(X500Name x500, ASN1ObjectIdentifier type, String subject) {
        RDN[] rdns = x500.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            throw new IllegalArgumentException("not an officer certificate (expected exactly one " + BCStyle.INSTANCE.oidToDisplayName(type)
                    + " in the subject): " + subject);
        }
        AttributeTypeAndValue atv = rdns[0].getFirst();
        if (atv.getValue() instanceof org.bouncycastle.asn1.ASN1String s) {
            return s.getString();
        }
        throw new IllegalArgumentException("not an officer certificate (subject attribute " + type + " is not a string): " + subject);
    }

    @Override
    public String toString() {
        return "officer " + name;
    }
}
