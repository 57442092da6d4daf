package org.jukibus.pki;

import java.security.cert.X509Certificate;

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
        CertificateSubject officer = CertificateSubject.read(cert, "an officer certificate", UNIT, "CN=<name>", 1,
                KeyPurposeId.id_kp_codeSigning);
        boolean[] usage = cert.getKeyUsage();
        if (usage == null || !usage[0]) {
            throw officer.refused("no digitalSignature key usage");
        }
        return officer.identity(() -> new OfficerIdentity(officer.single(BCStyle.CN)));
    }

    @Override
    public String toString() {
        return "officer " + name;
    }
}
