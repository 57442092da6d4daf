package org.jukibus.pki;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;

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
        CertificateSubject monitor = CertificateSubject.read(cert, "a monitoring certificate", UNIT, "CN=<id>", 1,
                KeyPurposeId.id_kp_clientAuth);
        return monitor.identity(() -> new MonitorIdentity(monitor.single(BCStyle.CN)));
    }

    @Override
    public String toString() {
        return "monitor " + id;
    }
}
