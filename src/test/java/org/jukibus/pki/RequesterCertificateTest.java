package org.jukibus.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** Requester certificates (国の機関等): TLS clients of the provision channel only, never node or officer certificates. */
class RequesterCertificateTest {

    @TempDir
    Path dir;

    @Test
    void a_requester_certificate_is_a_tls_client_certificate_and_nothing_else() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        X509Certificate cert = ca.issueRequesterKeyMaterial(new RequesterIdentity("nenkin", "日本年金機構"), Duration.ofDays(30))
                .certificate();

        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=nenkin,OU=requester,O=Juki-net,C=JP");
        assertThat(cert.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_clientAuth.getId());
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        CertificateValidator validator = new CertificateValidator(ca.certificate(), ca.currentCrl());
        assertThat(validator.validateRequester(cert)).isEqualTo(new RequesterIdentity("nenkin", "日本年金機構"));

        assertThatThrownBy(() -> validator.validate(cert)).isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("not a jukibus node certificate");
        assertThatThrownBy(() -> validator.validateOfficer(cert)).isInstanceOf(CertificateRejectedException.class);

        ca.revoke(cert.getSerialNumber());
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl()).validateRequester(cert))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("was revoked");
    }

    @Test
    void node_and_officer_certificates_are_not_requester_certificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        CertificateValidator validator = new CertificateValidator(ca.certificate(), null);
        X509Certificate node = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "central", "機構"), List.of("127.0.0.1"),
                Duration.ofDays(30)).certificate();
        X509Certificate officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("責任者"), Duration.ofDays(30)).certificate();

        for (X509Certificate cert : List.of(node, officer)) {
            assertThatThrownBy(() -> validator.validateRequester(cert)).isInstanceOf(CertificateRejectedException.class)
                    .hasMessageContaining("not a requester certificate")
                    .extracting(e -> ((CertificateRejectedException) e).reason())
                    .isEqualTo(CertificateRejectedException.Reason.NOT_A_REQUESTER_CERTIFICATE);
        }
        assertThatThrownBy(() -> new RequesterIdentity("Nenkin%", "x")).hasMessageContaining("bad requester id");
    }

    @Test
    void pki_issue_requester_writes_key_store_trust_store_certificate_and_password() throws Exception {
        Path pw = dir.resolve("ca.pass");
        Files.writeString(pw, "correct horse\n");
        StringWriter err = new StringWriter();
        CommandLine cl = PkiCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("init-ca", "--dir", dir.resolve("ca").toString(), "--name", "Root", "--password-file", pw.toString()))
                .isZero();
        Path out = dir.resolve("nenkin");

        assertThat(cl.execute("issue-requester", "--ca", dir.resolve("ca").toString(), "--password-file", pw.toString(),
                "--id", "nenkin", "--name", "日本年金機構", "--out", out.toString())).as(err.toString()).isZero();

        assertThat(out.resolve("nenkin.p12")).exists();
        assertThat(out.resolve("truststore.p12")).exists();
        KeyMaterial km = KeyStores.readKeyStore(out.resolve("nenkin.p12"), SecureFiles.readPassword(out.resolve("nenkin.pass")));
        assertThat(RequesterIdentity.fromCertificate(km.certificate()).id()).isEqualTo("nenkin");
        assertThat(Pem.readCertificate(out.resolve("nenkin.pem"))).isEqualTo(km.certificate());
    }
}
