package org.jukibus.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** Officer certificates: issued by the network CA, never mistaken for node certificates nor the other way round. */
class OfficerCertificateTest {

    @TempDir
    Path dir;

    @Test
    void an_officer_certificate_signs_approvals_and_nothing_else() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        KeyMaterial officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("山田 花子"), Duration.ofDays(30));
        X509Certificate cert = officer.certificate();

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=山田 花子,OU=officer,O=Juki-net,C=JP");
        assertThat(cert.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_codeSigning.getId());
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[1]).as("nonRepudiation").isTrue();
        assertThat(cert.getKeyUsage()[4]).as("keyAgreement").isFalse();
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        CertificateValidator validator = new CertificateValidator(ca.certificate(), ca.currentCrl());
        assertThat(validator.validateOfficer(cert).name()).isEqualTo("山田 花子");
        assertThat(ca.ledger()).hasSize(1);

        assertThatThrownBy(() -> NodeIdentity.fromCertificate(cert)).hasMessageContaining("not a jukibus node certificate");
        assertThatThrownBy(() -> validator.validate(cert)).isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("it is an approving officer's certificate");

        ca.revoke(cert.getSerialNumber());
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl()).validateOfficer(cert))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("was revoked");
    }

    @Test
    void at_start_a_stale_crl_still_refuses_what_it_lists_but_does_not_refuse_everyone() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        X509Certificate officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("山田 花子"), Duration.ofDays(730)).certificate();
        X509Certificate revoked = ca.issueOfficerKeyMaterial(new OfficerIdentity("佐藤 一郎"), Duration.ofDays(730)).certificate();
        java.security.cert.X509CRL crl = ca.revoke(revoked.getSerialNumber(), Duration.ofDays(7));
        // 8 days on, central has missed the CRL renewal
        java.time.Clock dayEight = java.time.Clock.fixed(java.time.Instant.now().plus(Duration.ofDays(8)), java.time.ZoneOffset.UTC);
        CertificateValidator strict = new CertificateValidator(ca.certificate(), crl, dayEight);

        assertThatThrownBy(() -> strict.validateOfficer(officer)).isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("out of date");
        CertificateValidator atStart = strict.toleratingStaleCrl();
        assertThat(atStart.validateOfficer(officer).name()).isEqualTo("山田 花子");
        assertThatThrownBy(() -> atStart.validateOfficer(revoked)).isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("was revoked");
    }

    @Test
    void a_node_certificate_is_not_an_officer_certificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        KeyMaterial node = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"),
                Duration.ofDays(30));

        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), null).validateOfficer(node.certificate()))
                .isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("not an officer certificate (expected CN=<name>, OU=officer, O=Juki-net, C=JP)")
                .extracting(e -> ((CertificateRejectedException) e).reason())
                .isEqualTo(CertificateRejectedException.Reason.NOT_AN_OFFICER_CERTIFICATE);
    }

    @Test
    void pki_issue_officer_writes_key_store_certificate_and_password() throws Exception {
        Path pw = dir.resolve("ca.pass");
        Files.writeString(pw, "correct horse\n");
        StringWriter err = new StringWriter();
        CommandLine cl = PkiCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("init-ca", "--dir", dir.resolve("ca").toString(), "--name", "Root", "--password-file", pw.toString()))
                .isZero();
        Path out = dir.resolve("officer");

        assertThat(cl.execute("issue-officer", "--ca", dir.resolve("ca").toString(), "--password-file", pw.toString(),
                "--name", "承認 責任者", "--out", out.toString())).as(err.toString()).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("officer.p12")))).isEqualTo("rw-------");
        KeyMaterial km = KeyStores.readKeyStore(out.resolve("officer.p12"), SecureFiles.readPassword(out.resolve("officer.pass")));
        assertThat(OfficerIdentity.fromCertificate(km.certificate()).name()).isEqualTo("承認 責任者");
        assertThat(Pem.readCertificate(out.resolve("officer.pem"))).isEqualTo(km.certificate());
        assertThat(cl.execute("issue-officer", "--ca", dir.resolve("ca").toString(), "--password-file", pw.toString(),
                "--name", "Again", "--out", out.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("refusing to overwrite");
    }

    @Test
    void accepted_at_a_time_of_its_validity_a_lapsed_officer_is_judged_then_but_revoked_and_crl_judged_now() throws Exception {
        org.jukibus.clock.MovableClock clock = new org.jukibus.clock.MovableClock(java.time.Instant.parse("2027-01-04T00:00:00Z"));
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", Duration.ofDays(3650), "pw".toCharArray(), clock);
        X509Certificate officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("山田 花子"), Duration.ofDays(730)).certificate();
        java.time.Instant acceptedAt = clock.instant();
        java.security.cert.X509CRL weekly = ca.issueCrl(Duration.ofDays(7));
        clock.move(Duration.ofDays(731));
        java.security.cert.X509CRL fresh = ca.issueCrl(Duration.ofDays(7));

        CertificateValidator now = new CertificateValidator(ca.certificate(), fresh, clock);
        assertThat(now.validateOfficerAcceptedAt(officer, acceptedAt).name()).isEqualTo("山田 花子");
        assertThatThrownBy(() -> now.validateOfficer(officer)).isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> now.validateOfficerAcceptedAt(officer, clock.instant()))
                .as("a time after the lapse is no time of its validity").isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), weekly, clock).validateOfficerAcceptedAt(officer, acceptedAt))
                .as("a stale CRL, where it is not tolerated").isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("the CRL is out of date");

        clock.now = acceptedAt.minus(Duration.ofDays(1));
        ca.revoke(officer.getSerialNumber(), Duration.ofDays(3650)); // dated before the acceptance
        clock.move(Duration.ofDays(732));
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl(), clock)
                .validateOfficerAcceptedAt(officer, acceptedAt)).isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("was revoked");
    }
}
