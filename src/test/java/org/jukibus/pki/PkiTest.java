package org.jukibus.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateRejectedException.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {

    static final char[] PW = "ca-secret".toCharArray();

    @TempDir
    static Path caDir;

    static CertificateAuthority ca;

    @BeforeAll
    static void createCa() throws Exception {
        ca = CertificateAuthority.create(caDir.resolve("ca"), "Juki-net Test Root", PW);
    }

    static NodeIdentity shinjuku() {
        return new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区");
    }

    @Test
    void caDirectoryHasAllFilesAndKeystoreIsOwnerOnly() throws Exception {
        Path d = caDir.resolve("ca");
        assertThat(d.resolve("ca.p12")).isRegularFile();
        assertThat(d.resolve("ca.pem")).isRegularFile();
        assertThat(d.resolve("crl.pem")).isRegularFile();
        assertThat(d.resolve("issued.txt")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("ca.p12")))).isEqualTo("rw-------");
        X509Certificate root = Pem.readCertificate(d.resolve("ca.pem"));
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(root.getKeyUsage()[6]).as("cRLSign").isTrue();
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()).toDays()).isBetween(3649L, 3651L);
        assertThatThrownBy(() -> CertificateAuthority.create(d, "again", PW))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    @Test
    void issuedCertificateRoundTripsIdentityWithJapaneseName() throws Exception {
        KeyPair kp = KeyStores.generateKeyPair();
        X509Certificate cert = ca.issue(kp.getPublic(), shinjuku(), List.of("10.1.2.3", "cs.shinjuku.example", "::1"),
                Duration.ofDays(730));
        X509Certificate reread = Pem.parseCertificates(Pem.toPem(cert), "pem").get(0);
        assertThat(NodeIdentity.fromCertificate(reread)).isEqualTo(shinjuku());
        assertThat(reread.getSubjectX500Principal().getName()).contains("CN=131041", "OU=municipal", "O=Juki-net", "C=JP");
        assertThat(reread.getSerialNumber().bitLength()).isGreaterThan(100);
        assertThat(reread.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(reread.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(reread.getKeyUsage()[4]).as("keyAgreement").isTrue();
        assertThat(reread.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1))
                .contains("10.1.2.3", "cs.shinjuku.example");
        assertThat(reread.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
        assertThat(reread.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(Files.readString(caDir.resolve("ca/issued.txt"))).contains(reread.getSerialNumber().toString(16), "131041");
        NodeIdentity id = new CertificateValidator(ca.certificate(), ca.currentCrl()).validate(reread);
        assertThat(id.name()).isEqualTo("新宿区");
    }

    @Test
    void defaultHostsAreLoopback() throws Exception {
        X509Certificate cert = ca.issue(KeyStores.generateKeyPair().getPublic(),
                new NodeIdentity(NodeRole.PREFECTURE, "13", "東京都"));
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1)).containsExactlyInAnyOrder("127.0.0.1", "localhost");
    }

    @Test
    void caCertificateAndForeignCertsAreNotNodeCertificates() throws Exception {
        assertThatThrownBy(() -> NodeIdentity.fromCertificate(ca.certificate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a jukibus node certificate");
    }

    @Test
    void expiredCertificateIsRejected() throws Exception {
        Instant now = Instant.now();
        KeyMaterial km = ca.issueKeyMaterial(shinjuku(), List.of(), now.minus(Duration.ofDays(800)), now.minus(Duration.ofDays(1)));
        CertificateValidator v = new CertificateValidator(ca.certificate(), ca.currentCrl());
        assertThatThrownBy(() -> v.validate(km.certificate()))
                .isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("expired")
                .extracting(e -> ((CertificateRejectedException) e).reason()).isEqualTo(Reason.EXPIRED);
        // but valid at a time inside its validity
        Clock past = Clock.fixed(now.minus(Duration.ofDays(10)), ZoneOffset.UTC);
        assertThat(new CertificateValidator(ca.certificate(), (java.security.cert.X509CRL) null, past).validate(km.certificate()).code()).isEqualTo("131041");
    }

    @Test
    void revokedCertificateIsRejectedViaCrl() throws Exception {
        Path d = caDir.resolve("ca-revoke");
        CertificateAuthority own = CertificateAuthority.create(d, "Revoking Root", PW);
        KeyMaterial km = own.issueKeyMaterial(shinjuku(), List.of(), Duration.ofDays(30));
        KeyMaterial other = own.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"), List.of(), Duration.ofDays(30));
        X509CRL before = own.currentCrl();
        X509CRL crl = own.revoke(km.certificate().getSerialNumber());
        assertThat(crlNumber(crl)).isGreaterThan(crlNumber(before));
        assertThat(crl.getNextUpdate().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(6)));

        // reload from disk: the CRL file and ledger carry the revocation
        CertificateAuthority reloaded = CertificateAuthority.load(d, PW);
        X509CRL fromDisk = Pem.readCrl(d.resolve("crl.pem"));
        assertThat(fromDisk.isRevoked(km.certificate())).isTrue();
        assertThat(reloaded.ledger()).filteredOn(CertificateAuthority.LedgerEntry::revoked).hasSize(1);

        CertificateValidator v = new CertificateValidator(reloaded.certificate(), fromDisk);
        assertThatThrownBy(() -> v.validate(km.certificate()))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("revoked")
                .extracting(e -> ((CertificateRejectedException) e).reason()).isEqualTo(Reason.REVOKED);
        assertThat(v.validate(other.certificate()).code()).isEqualTo("271004");
        // without a CRL, the revocation is not known
        assertThat(new CertificateValidator(reloaded.certificate(), null).validate(km.certificate()).code()).isEqualTo("131041");

        X509CRL next = reloaded.issueCrl(Duration.ofDays(1));
        assertThat(crlNumber(next)).isGreaterThan(crlNumber(crl));
        assertThat(next.isRevoked(km.certificate())).isTrue();
        assertThatThrownBy(() -> reloaded.revoke(BigInteger.valueOf(12345))).hasMessageContaining("not issued by this CA");
    }

    @Test
    void staleCrlIsRejected() throws Exception {
        KeyMaterial km = ca.issueKeyMaterial(shinjuku(), List.of(), Duration.ofDays(60));
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(20)), ZoneOffset.UTC);
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl(), later).validate(km.certificate()))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("CRL is out of date");
    }

    @Test
    void certificateFromAnotherCaIsRejected() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create(caDir.resolve("foreign"), "Juki-net Test Root", PW);
        KeyMaterial km = foreign.issueKeyMaterial(shinjuku(), List.of(), Duration.ofDays(30));
        // same issuer name, different key
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), ca.currentCrl()).validate(km.certificate()))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("not issued by our root CA")
                .extracting(e -> ((CertificateRejectedException) e).reason()).isEqualTo(Reason.UNKNOWN_ISSUER);
        CertificateAuthority other = CertificateAuthority.create(caDir.resolve("other"), "Other Root", PW);
        KeyMaterial km2 = other.issueKeyMaterial(shinjuku(), List.of(), Duration.ofDays(30));
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), null).validate(km2.certificate()))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("not issued by our root CA");
    }

    @Test
    void requiredRoleIsEnforced() throws Exception {
        KeyMaterial km = ca.issueKeyMaterial(shinjuku(), List.of(), Duration.ofDays(30));
        assertThatThrownBy(() -> new CertificateValidator(ca.certificate(), null).validate(km.certificate(), NodeRole.CENTRAL))
                .isInstanceOf(CertificateRejectedException.class).hasMessageContaining("not a central node certificate");
    }

    @Test
    void pkcs12RoundTrip(@TempDir Path dir) throws Exception {
        KeyMaterial km = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "jlis", "地方公共団体情報システム機構"),
                List.of(), Duration.ofDays(30));
        char[] pw = "store-pw".toCharArray();
        KeyStores.writeKeyStore(dir.resolve("central.p12"), km, pw);
        KeyStores.writeTrustStore(dir.resolve("truststore.p12"), ca.certificate(), pw);
        KeyMaterial back = KeyStores.readKeyStore(dir.resolve("central.p12"), pw);
        assertThat(back.privateKey().getEncoded()).isEqualTo(km.privateKey().getEncoded());
        assertThat(back.chain()).containsExactlyElementsOf(km.chain());
        assertThat(back.identity().name()).isEqualTo("地方公共団体情報システム機構");
        assertThat(KeyStores.readTrustStore(dir.resolve("truststore.p12"), pw)).isEqualTo(ca.certificate());
        assertThat(KeyStores.load(dir.resolve("truststore.p12"), pw).size()).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("central.p12")))).isEqualTo("rw-------");
        assertThatThrownBy(() -> KeyStores.readKeyStore(dir.resolve("central.p12"), "wrong".toCharArray()))
                .isInstanceOf(java.io.IOException.class);
        // CA reload with its password
        CertificateAuthority again = CertificateAuthority.load(caDir.resolve("ca"), PW);
        assertThat(again.certificate()).isEqualTo(ca.certificate());
    }

    static BigInteger crlNumber(X509CRL crl) {
        return CRLNumber.getInstance(ASN1OctetString.getInstance(crl.getExtensionValue(Extension.cRLNumber.getId())).getOctets())
                .getCRLNumber();
    }
}
