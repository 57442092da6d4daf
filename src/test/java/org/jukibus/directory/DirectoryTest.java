package org.jukibus.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class DirectoryTest {

    static final char[] PW = "pw".toCharArray();

    @TempDir
    static Path tmp;

    static CertificateAuthority ca;
    static KeyMaterial central;
    static KeyMaterial shinjuku;
    static KeyMaterial tokyo;
    static KeyMaterial osaka;

    @BeforeAll
    static void setUp() throws Exception {
        ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root", PW);
        central = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "jlis", "地方公共団体情報システム機構"), List.of(), Duration.ofDays(30));
        shinjuku = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of(), Duration.ofDays(30));
        tokyo = ca.issueKeyMaterial(new NodeIdentity(NodeRole.PREFECTURE, "13", "東京都"), List.of(), Duration.ofDays(30));
        osaka = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"), List.of(), Duration.ofDays(30));
    }

    static NodeEntry entry(KeyMaterial km, String primary, String backup) {
        NodeIdentity id = km.identity();
        return new NodeEntry(id.role(), id.code(), id.name(), null, Endpoint.parse(primary), Endpoint.parse(backup), km.certificate());
    }

    static Document unsigned() {
        return new DirectoryBuilder().serial(7).issuedAt(Instant.parse("2025-04-01T00:00:00Z"))
                .add(entry(central, "central.example:61616", "central-b.example:61616"))
                .add(entry(tokyo, "10.13.0.1:61616", "10.13.1.1:61616"))
                .add(entry(shinjuku, "10.13.104.1:61616", "10.13.104.2:61617"))
                .add(entry(osaka, "[fd00::27:1]:61616", "[fd00::27:2]:61616"))
                .build();
    }

    static NodeDirectory load(byte[] xml) throws DirectoryRejectedException {
        return DirectoryLoader.load(xml, ca.certificate(), ca.currentCrl(), Clock.systemUTC());
    }

    static String signedText() {
        return new String(DirectorySigner.sign(unsigned(), central), StandardCharsets.UTF_8);
    }

    @Test
    void signAndLoadRoundTrip() throws Exception {
        byte[] signed = DirectorySigner.sign(unsigned(), central);
        String text = new String(signed, StandardCharsets.UTF_8);
        assertThat(text).contains("urn:jukibus:directory:1", "新宿区", "xmldsig-more#ecdsa-sha256", "URI=\"\"");
        assertThat(text.trim()).endsWith("</ds:Signature></directory>");

        NodeDirectory dir = load(signed);
        assertThat(dir.serial()).isEqualTo(7);
        assertThat(dir.issuedAt()).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
        assertThat(dir.all()).hasSize(4);
        NodeEntry s = dir.byCode("131041").orElseThrow();
        assertThat(s.name()).isEqualTo("新宿区");
        assertThat(s.prefecture()).isEqualTo("13");
        assertThat(s.primary()).isEqualTo(new Endpoint("10.13.104.1", 61616));
        assertThat(s.backup().toString()).isEqualTo("10.13.104.2:61617");
        assertThat(s.certificate()).isEqualTo(shinjuku.certificate());
        assertThat(dir.byCode("271004").orElseThrow().primary().toString()).isEqualTo("[fd00::27:1]:61616");
        assertThat(dir.byCode("jlis").orElseThrow().prefecture()).isNull();
        assertThat(dir.byCertificate(shinjuku.certificate())).contains(s);
        assertThat(dir.municipalitiesOf("13")).extracting(NodeEntry::code).containsExactly("131041");
        assertThat(dir.prefectureOf("131041")).map(NodeEntry::code).contains("13");
        assertThat(dir.prefectureOf("271004")).isEmpty();
        assertThat(dir.countsByRole()).containsEntry(NodeRole.MUNICIPAL, 2).containsEntry(NodeRole.CENTRAL, 1);
    }

    @Test
    void byCertificateNeedsTheExactCertificateNotJustTheSubject() throws Exception {
        NodeDirectory dir = load(DirectorySigner.sign(unsigned(), central));
        KeyMaterial sameSubject = ca.issueKeyMaterial(shinjuku.identity(), List.of(), Duration.ofDays(30));
        assertThat(sameSubject.certificate().getSubjectX500Principal()).isEqualTo(shinjuku.certificate().getSubjectX500Principal());
        assertThat(dir.byCertificate(sameSubject.certificate())).isEmpty();
    }

    @Test
    void tamperedEntryIsRejected() {
        String text = signedText();
        String tampered = text.replace("10.13.104.1:61616", "10.66.104.1:61616");
        assertThat(tampered).isNotEqualTo(text);
        assertThatThrownBy(() -> load(tampered.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("changed after signing");
        String renamed = text.replace("新宿区", "新宿匹");
        assertThatThrownBy(() -> load(renamed.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("changed after signing");
        String serial = text.replace("serial=\"7\"", "serial=\"8\"");
        assertThatThrownBy(() -> load(serial.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("changed after signing");
    }

    @Test
    void unsignedIsRejected() {
        String text = signedText();
        String unsigned = text.replaceAll("(?s)<ds:Signature.*</ds:Signature>", "");
        assertThat(unsigned).doesNotContain("Signature");
        assertThatThrownBy(() -> load(unsigned.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("not signed");
    }

    @Test
    void signedByMunicipalNodeIsRejected() {
        assertThatThrownBy(() -> DirectorySigner.sign(unsigned(), shinjuku)).isInstanceOf(IllegalArgumentException.class);
        byte[] forged = DirectorySigner.signAnyKey(unsigned(), shinjuku);
        assertThatThrownBy(() -> load(forged))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("not a central node certificate");
    }

    @Test
    void signedByCentralOfAnotherCaIsRejected() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create(tmp.resolve("foreign"), "Juki-net Root", PW);
        KeyMaterial fakeCentral = foreign.issueKeyMaterial(central.identity(), List.of(), Duration.ofDays(30));
        byte[] forged = DirectorySigner.sign(unsigned(), fakeCentral);
        assertThatThrownBy(() -> load(forged))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("not issued by our root CA");
    }

    @Test
    void signedByRevokedCentralIsRejected() throws Exception {
        CertificateAuthority own = CertificateAuthority.create(tmp.resolve("revoking"), "Root 2", PW);
        KeyMaterial c = own.issueKeyMaterial(central.identity(), List.of(), Duration.ofDays(30));
        byte[] signed = DirectorySigner.sign(unsigned(), c);
        assertThat(DirectoryLoader.load(signed, own.certificate(), own.currentCrl(), Clock.systemUTC()).size()).isEqualTo(4);
        own.revoke(c.certificate().getSerialNumber());
        assertThatThrownBy(() -> DirectoryLoader.load(signed, own.certificate(), own.currentCrl(), Clock.systemUTC()))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("revoked");
    }

    @Test
    void expiredCentralCertificateIsRejected() {
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(60));
        byte[] signed = DirectorySigner.sign(unsigned(), central);
        assertThatThrownBy(() -> DirectoryLoader.load(signed, ca.certificate(), null, later))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("expired");
    }

    @Test
    void wrappingSignedContentUnderNewRootIsRejected() {
        String text = signedText();
        String body = text.substring(text.indexOf("<directory"));
        String wrapped = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><directory xmlns=\"urn:jukibus:directory:1\" serial=\"99\" "
                + "issuedAt=\"2030-01-01T00:00:00Z\"><wrapper>" + body + "</wrapper></directory>";
        assertThatThrownBy(() -> load(wrapped.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
        String nested = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><evil>" + body + "</evil>";
        assertThatThrownBy(() -> load(nested.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
    }

    @Test
    void extraEntryBesideSignedContentIsRejected() throws Exception {
        KeyMaterial evil = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "011002", "札幌市"), List.of(), Duration.ofDays(30));
        String extra = new String(new DirectoryBuilder().serial(1).add(entry(evil, "203.0.113.5:61616", "203.0.113.6:61616"))
                .toXml(), StandardCharsets.UTF_8);
        String node = extra.substring(extra.indexOf("<node"), extra.indexOf("</node>") + "</node>".length())
                .replace("<node ", "<node xmlns=\"urn:jukibus:directory:1\" ");
        String text = signedText();
        // before the signature
        String injected = text.replace("<ds:Signature xmlns", node + "<ds:Signature xmlns");
        assertThat(injected).contains("札幌市");
        assertThatThrownBy(() -> load(injected.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("changed after signing");
        // after the signature
        String after = text.replace("</ds:Signature>", "</ds:Signature>" + node);
        assertThatThrownBy(() -> load(after.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
        // first in the document
        String first = text.replaceFirst("(<directory[^>]*>)", "$1" + java.util.regex.Matcher.quoteReplacement(node));
        assertThatThrownBy(() -> load(first.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("changed after signing");
    }

    @Test
    void secondSignatureIsRejected() {
        String text = signedText();
        String sig = text.substring(text.indexOf("<ds:Signature"), text.indexOf("</ds:Signature>") + "</ds:Signature>".length());
        // a second (copied) signature inside an entry, and a second one at the end
        String inEntry = text.replace("<name>新宿区</name>", "<name>新宿区</name>" + sig);
        assertThatThrownBy(() -> load(inEntry.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
        String twice = text.replace("</directory>", sig + "</directory>");
        assertThatThrownBy(() -> load(twice.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
    }

    @Test
    void otherReferenceUriOrAlgorithmIsRejected() {
        String text = signedText();
        String idRef = text.replace("URI=\"\"", "URI=\"#x\"");
        assertThatThrownBy(() -> load(idRef.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
        String sha1 = text.replace("http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1");
        assertThatThrownBy(() -> load(sha1.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class);
        String rsa = text.replace("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        assertThatThrownBy(() -> load(rsa.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
    }

    @Test
    void doctypeAndEntitiesAreRejected() {
        String text = signedText();
        String body = text.substring(text.indexOf("<directory"));
        String dtd = "<?xml version=\"1.0\"?><!DOCTYPE directory [<!ENTITY x \"新宿区\">]>" + body.replace("新宿区", "&x;");
        assertThatThrownBy(() -> load(dtd.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("DOCTYPE");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE directory SYSTEM \"file:///etc/passwd\">" + body;
        assertThatThrownBy(() -> load(xxe.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("DOCTYPE");
    }

    @Test
    void schemaInvalidAndOversizeAreRejected() {
        String text = signedText();
        String invalid = text.replace("<primary>10.13.104.1:61616</primary>", "<primary>not an endpoint</primary>");
        assertThatThrownBy(() -> load(invalid.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("directory.xsd");
        byte[] signed = text.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DirectoryLoader.load(signed, ca.certificate(), null, Clock.systemUTC(), 1000))
                .isInstanceOf(DirectoryRejectedException.class).hasMessageContaining("over the limit");
        assertThatThrownBy(() -> load("not xml".getBytes(StandardCharsets.UTF_8))).isInstanceOf(DirectoryRejectedException.class);
    }

    @Test
    void builderRefusesDuplicatesAndMismatchedCertificates() {
        DirectoryBuilder b = new DirectoryBuilder().add(entry(shinjuku, "a:1", "b:2"));
        assertThatThrownBy(() -> b.add(entry(shinjuku, "c:1", "d:2"))).hasMessageContaining("131041");
        assertThatThrownBy(() -> new NodeEntry(NodeRole.MUNICIPAL, "271004", "大阪市", null, Endpoint.parse("a:1"),
                Endpoint.parse("b:1"), shinjuku.certificate())).hasMessageContaining("belongs to");
        assertThatThrownBy(() -> new NodeEntry(NodeRole.MUNICIPAL, "131041", "新宿区", "14", Endpoint.parse("a:1"),
                Endpoint.parse("b:1"), shinjuku.certificate())).hasMessageContaining("prefecture");
        assertThatThrownBy(() -> Endpoint.parse("nohost")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> Endpoint.parse("h:70000")).hasMessageContaining("port");
    }

    @Test
    void fullSizeDirectoryLoadsAndAnswersEveryLookup() throws Exception {
        CertificateAuthority big = CertificateAuthority.create(tmp.resolve("big"), "Big Root", PW);
        KeyMaterial bigCentral = big.issueKeyMaterial(central.identity(), List.of(), Duration.ofDays(30));
        KeyPair shared = KeyStores.generateKeyPair();
        Instant nb = Instant.now().minusSeconds(60);
        Instant na = nb.plus(Duration.ofDays(30));
        DirectoryBuilder b = new DirectoryBuilder().serial(42).issuedAt(Instant.now());
        b.add(entry(bigCentral, "central:61616", "central-b:61616"));
        for (int p = 1; p <= 47; p++) {
            String pc = String.format("%02d", p);
            X509Certificate c = big.issue(shared.getPublic(), new NodeIdentity(NodeRole.PREFECTURE, pc, "県" + pc), List.of(), nb, na);
            b.add(new NodeEntry(NodeRole.PREFECTURE, pc, "県" + pc, null, Endpoint.parse("pref" + pc + ":61616"),
                    Endpoint.parse("pref" + pc + "-b:61616"), c));
        }
        List<String> codes = new ArrayList<>();
        outer:
        for (int p = 1; p <= 47; p++) {
            for (int m = 201; m < 240; m++) {
                if (codes.size() >= 1752) {
                    break outer;
                }
                String five = String.format("%02d%03d", p, m);
                String code = five + NodeCodes.checkDigit(five);
                codes.add(code);
                X509Certificate c = big.issue(shared.getPublic(), new NodeIdentity(NodeRole.MUNICIPAL, code, "市" + code), List.of(), nb, na);
                b.add(new NodeEntry(NodeRole.MUNICIPAL, code, "市" + code, null, Endpoint.parse("cs" + code + ":61616"),
                        Endpoint.parse("cs" + code + "-b:61616"), c));
            }
        }
        assertThat(b.entries()).hasSize(1800);
        byte[] signed = DirectorySigner.sign(b.build(), bigCentral);
        // how fast it loads is the benchmark's business (jukibus bench), not a test's
        NodeDirectory dir = DirectoryLoader.load(signed, big.certificate(), big.currentCrl(), Clock.systemUTC());
        assertThat(dir.size()).isEqualTo(1800);
        for (String code : codes) {
            NodeEntry e = dir.byCode(code).orElseThrow();
            assertThat(dir.byCertificate(e.certificate())).contains(e);
            assertThat(dir.prefectureOf(code).orElseThrow().code()).isEqualTo(code.substring(0, 2));
        }
        assertThat(dir.municipalitiesOf("13")).hasSize(39);
        assertThat(dir.countsByRole()).containsEntry(NodeRole.MUNICIPAL, 1752).containsEntry(NodeRole.PREFECTURE, 47);
    }

    @Test
    void signatureIsLastChildAndSignerDoesNotMutateInput() throws Exception {
        Document doc = unsigned();
        DirectorySigner.sign(doc, central);
        assertThat(doc.getElementsByTagNameNS(DirectoryXml.DS, "Signature").getLength()).isZero();
        Document signed = SecureXml.parse(DirectorySigner.sign(doc, central), 1 << 20);
        Element last = (Element) signed.getDocumentElement().getLastChild();
        assertThat(last.getLocalName()).isEqualTo("Signature");
    }
}
