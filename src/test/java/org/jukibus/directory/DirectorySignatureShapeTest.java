package org.jukibus.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature checks the directory gets from {@link org.jukibus.xml.WholeDocumentSignature} (KeyInfo shape,
 * no ds:Object) and its own rule that KeyInfo must carry the signer certificate. KeyInfo and ds:Object are not
 * covered by the signature, so changing them leaves the signature value valid: only the shape checks catch it.
 */
class DirectorySignatureShapeTest {

    @TempDir
    static Path tmp;

    static CertificateAuthority ca;
    static String signed;
    static String certElement;

    @BeforeAll
    static void setUp() throws Exception {
        ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root", "pw".toCharArray());
        KeyMaterial central = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "jlis", "地方公共団体情報システム機構"),
                List.of(), Duration.ofDays(30));
        signed = new String(DirectorySigner.sign(new DirectoryBuilder().serial(1).issuedAt(Instant.parse("2025-04-01T00:00:00Z"))
                .add(DirectoryTest.entry(central, "central.example:61616", "central-b.example:61616")).build(), central),
                StandardCharsets.UTF_8);
        certElement = signed.substring(signed.indexOf("<ds:X509Certificate>"),
                signed.indexOf("</ds:X509Certificate>") + "</ds:X509Certificate>".length());
    }

    static DirectoryRejectedException rejection(String xml) {
        try {
            load(xml);
        } catch (DirectoryRejectedException e) {
            return e;
        }
        throw new AssertionError("accepted: " + xml);
    }

    static NodeDirectory load(String xml) throws DirectoryRejectedException {
        return DirectoryLoader.load(xml.getBytes(StandardCharsets.UTF_8), ca.certificate(), ca.currentCrl(), Clock.systemUTC());
    }

    @Test
    void signedDirectoryIsAccepted() throws Exception {
        assertThat(load(signed).size()).isEqualTo(1);
    }

    @Test
    void missingKeyInfoIsRejected() {
        String noKeyInfo = signed.replaceAll("(?s)<ds:KeyInfo>.*</ds:KeyInfo>", "");
        assertThat(noKeyInfo).doesNotContain("KeyInfo").contains("SignatureValue");
        assertThat(rejection(noKeyInfo)).hasMessageContaining("no KeyInfo with the signer certificate");
    }

    @Test
    void secondCertificateInKeyInfoIsRejected() {
        String two = signed.replace(certElement, certElement + certElement);
        assertThat(rejection(two)).hasMessageContaining("exactly one X509Certificate");
    }

    @Test
    void otherKeyInfoContentIsRejected() {
        String keyName = signed.replace("<ds:X509Data>", "<ds:KeyName>jlis</ds:KeyName><ds:X509Data>");
        assertThat(keyName).contains("KeyName");
        assertThat(rejection(keyName)).hasMessageContaining("KeyInfo must hold exactly one X509Data");
    }

    @Test
    void unreadableCertificateIsRejected() {
        String garbage = signed.replace(certElement, "<ds:X509Certificate>AAAA</ds:X509Certificate>");
        assertThat(rejection(garbage)).hasMessageContaining("X509Certificate in KeyInfo cannot be read");
    }

    @Test
    void dsObjectIsRejected() {
        String object = signed.replace("</ds:KeyInfo>", "</ds:KeyInfo><ds:Object>x</ds:Object>");
        assertThat(rejection(object)).hasMessageContaining("ds:Object is not allowed");
    }

    @Test
    void signatureNotLastIsRejectedNamingTheRoot() {
        String moved = signed.replace("</ds:Signature></directory>", "</ds:Signature><!-- x --></directory>");
        assertThat(rejection(moved)).hasMessageContaining("not the last child").hasMessageContaining("<directory>");
    }
}
