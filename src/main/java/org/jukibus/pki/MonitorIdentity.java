package org.jukibus.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A monitoring system (a Prometheus, 監視) as written in its client certificate from {@code jukibus pki issue-monitor}:
 * with it, and no PIN, it may read a node's {@code /actuator/prometheus} and nothing else.
 *
 * <p>Subject: {@code CN=<id>, OU=metrics, O=Juki-net, C=JP}. {@code metrics} is neither a node role nor
 * {@code operator}, {@code officer} or {@code requester}, so every other identity refuses a monitoring certificate
 * and this class refuses theirs. Extended key usage clientAuth only: it can neither serve a node nor sign.
 *
 * @param id the monitoring system's name, e.g. {@code prometheus-tokyo}
 */
public record MonitorIdentity(String id) {

    /** The OU of every monitoring certificate: its role. */
    public static final String UNIT = "metrics";
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public MonitorIdentity {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad monitor id '" + id + "': 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    /** The certificate subject for this monitoring system. */
    public X500Name toX500Name() {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, NodeIdentity.COUNTRY)
                .addRDN(BCStyle.O, NodeIdentity.ORGANIZATION)
                .addRDN(BCStyle.OU, UNIT)
                .addRDN(BCStyle.CN, id)
                .build();
    }

    /**
     * Reads the monitoring system from a monitoring certificate.
     *
     * @throws IllegalArgumentException when it is not a jukibus monitoring certificate
     */
    public static MonitorIdentity fromCertificate(X509Certificate cert) {
        String subject = cert.getSubjectX500Principal().getName();
        if (cert.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("not a monitoring certificate (it is a CA certificate): " + subject);
        }
        X500Name x500 = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        if (x500.getRDNs().length != 4 || !NodeIdentity.COUNTRY.equals(single(x500, BCStyle.C, subject))
                || !NodeIdentity.ORGANIZATION.equals(single(x500, BCStyle.O, subject))
                || !UNIT.equals(single(x500, BCStyle.OU, subject))) {
            throw new IllegalArgumentException("not a monitoring certificate (expected CN=<id>, OU=" + UNIT + ", O="
                    + NodeIdentity.ORGANIZATION + ", C=" + NodeIdentity.COUNTRY + "): " + subject);
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku == null || !eku.equals(List.of(KeyPurposeId.id_kp_clientAuth.getId()))) {
                throw new IllegalArgumentException("not a monitoring certificate (its only extended key usage must be "
                        + "clientAuth): " + subject);
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("not a monitoring certificate (unreadable extended key usage): " + subject, e);
        }
        try {
            return new MonitorIdentity(single(x500, BCStyle.CN, subject));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a monitoring certificate (" + e.getMessage() + "): " + subject, e);
        }
    }

    private static String single(X500Name x500, ASN1ObjectIdentifier type, String subject) {
        RDN[] rdns = x500.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued() || !(rdns[0].getFirst().getValue() instanceof ASN1String s)) {
            throw new IllegalArgumentException("not a monitoring certificate (expected exactly one "
                    + BCStyle.INSTANCE.oidToDisplayName(type) + " in the subject): " + subject);
        }
        return s.getString();
    }

    @Override
    public String toString() {
        return "monitor " + id;
    }
}
