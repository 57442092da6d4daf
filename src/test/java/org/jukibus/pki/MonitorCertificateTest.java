package org.jukibus.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Monitoring certificates (role 'metrics'): never mistaken for an operator card or a node, revocable. */
class MonitorCertificateTest {

    @TempDir
    Path dir;

    @Test
    void a_monitoring_certificate_is_only_that_and_the_crl_in_force_revokes_it() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        X509Certificate monitor = ca.issueMonitorKeyMaterial(new MonitorIdentity("prometheus-tokyo"), Duration.ofDays(30)).certificate();
        X509Certificate card = ca.issueOperatorKeyMaterial(new OperatorIdentity("yamada", "山田"), Duration.ofDays(30)).certificate();

        assertThat(monitor.getSubjectX500Principal().getName()).isEqualTo("CN=prometheus-tokyo,OU=metrics,O=Juki-net,C=JP");
        assertThat(monitor.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_clientAuth.getId());
        assertThat(new CertificateValidator(ca.certificate(), ca.currentCrl()).validateMonitor(monitor).id()).isEqualTo("prometheus-tokyo");

        assertThatThrownBy(() -> OperatorIdentity.fromCertificate(monitor)).hasMessageContaining("not an operator certificate");
        assertThatThrownBy(() -> NodeIdentity.fromCertificate(monitor)).hasMessageContaining("not a jukibus node certificate");
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl()).validateMonitor(card))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("not a monitoring certificate")
                .extracting(e -> ((CertificateRejectedException) e).reason())
                .isEqualTo(CertificateRejectedException.Reason.NOT_A_MONITORING_CERTIFICATE);

        ca.revoke(monitor.getSerialNumber());
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl()).validateMonitor(monitor))
                .isInstanceOf(CertificateRejectedException.class)
                .extracting(e -> ((CertificateRejectedException) e).reason()).isEqualTo(CertificateRejectedException.Reason.REVOKED);
    }
}
