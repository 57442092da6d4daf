package org.jukibus.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.transforms.params.XPathContainer;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlSecurity;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Everything an attacker or a broken peer might send must be refused with the right reason. */
class EnvelopeAttackTest {

    static {
        XmlSecurity.init();
    }

    static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";

    final TestKeys.NodeKeys a = TestKeys.node(Fixtures.SENDER);
    final TestKeys.NodeKeys b = TestKeys.node(Fixtures.RECIPIENT);
    final TestKeys.NodeKeys c = TestKeys.node(Fixtures.THIRD);
    final Instant now = Instant.parse("2026-04-01T09:00:00Z");
    final EnvelopeSealer sealer = new EnvelopeSealer();

    EnvelopeOpener openerOf(TestKeys.NodeKeys self, SenderCertificates dir, Instant at) {
        return EnvelopeOpener.builder().ownCode(self.code()).ownKey(self.privateKey()).ownCertificate(self.certificate())
                .senderCertificates(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).build();
    }

    EnvelopeOpener opener() {
        return openerOf(b, TestKeys.directory(a, b, c), now);
    }

    byte[] sealed() throws Exception {
        return sealer.seal(Fixtures.header(now), Fixtures.noticeDoc(), a.privateKey(), a.certificate(), b.certificate());
    }

    static RejectionReason reasonOf(EnvelopeOpener opener, byte[] bytes) {
        EnvelopeRejectedException e = catchThrowableOfType(EnvelopeRejectedException.class, () -> opener.open(bytes));
        assertThat(e).as("envelope must be rejected").isNotNull();
        return e.reason();
    }

    static EnvelopeRejectedException rejection(EnvelopeOpener opener, byte[] bytes) {
        EnvelopeRejectedException e = catchThrowableOfType(EnvelopeRejectedException.class, () -> opener.open(bytes));
        assertThat(e).as("envelope must be rejected").isNotNull();
        return e;
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- confidentiality

    @Test
    void payloadIsNotReadableInTheSealedBytes() throws Exception {
        String s = str(sealed());
        assertThat(s).doesNotContain(Fixtures.RESIDENT_CODE).doesNotContain(Fixtures.NAME).doesNotContain("山田")
                .doesNotContain("ヤマダ").doesNotContain("新宿区").doesNotContain("TI-2026-000123")
                .doesNotContain("TransferInNotice xmlns").doesNotContain("urn:jukibus:transfer-in:1");
        assertThat(s).contains("http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#ECDH-ES",
                "http://www.w3.org/2001/04/xmlenc#kw-aes256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
    }

    @Test
    void onlyTheRecipientCanDecrypt() throws Exception {
        byte[] sealed = sealed();
        // a third node that claims the recipient's code but holds its own key
        EnvelopeOpener impostor = EnvelopeOpener.builder().ownCode(b.code()).ownKey(c.privateKey()).ownCertificate(c.certificate())
                .senderCertificates(TestKeys.directory(a, b, c)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        assertThat(reasonOf(impostor, sealed)).isEqualTo(RejectionReason.UNDECRYPTABLE);
        // the sender cannot read its own envelope either
        EnvelopeOpener senderAsRecipient = EnvelopeOpener.builder().ownCode(b.code()).ownKey(a.privateKey()).ownCertificate(a.certificate())
                .senderCertificates(TestKeys.directory(a, b, c)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        assertThat(reasonOf(senderAsRecipient, sealed)).isEqualTo(RejectionReason.UNDECRYPTABLE);
        assertThat(opener().open(sealed).header().recipient()).isEqualTo(b.code());
    }

    // ---------------------------------------------------------------- routing and directory

    @Test
    void wrongRecipient() throws Exception {
        assertThat(reasonOf(openerOf(c, TestKeys.directory(a, b, c), now), sealed())).isEqualTo(RejectionReason.WRONG_RECIPIENT);
    }

    @Test
    void unknownSender() throws Exception {
        assertThat(reasonOf(openerOf(b, TestKeys.directory(b, c), now), sealed())).isEqualTo(RejectionReason.UNKNOWN_SENDER);
    }

    @Test
    void tooOldOrTooFarInTheFuture() throws Exception {
        byte[] sealed = sealed();
        SenderCertificates dir = TestKeys.directory(a, b);
        assertThat(openerOf(b, dir, now.plus(Duration.ofHours(23))).open(sealed)).isNotNull();
        assertThat(openerOf(b, dir, now.minus(Duration.ofMinutes(4))).open(sealed)).isNotNull();
        assertThat(reasonOf(openerOf(b, dir, now.plus(Duration.ofHours(24)).plusSeconds(1)), sealed)).isEqualTo(RejectionReason.EXPIRED);
        // ahead of the recipient's clock by more than the allowed skew: refused as such (its signer is told, EnvelopeTimeTest)
        assertThat(reasonOf(openerOf(b, dir, now.minus(Duration.ofMinutes(6))), sealed)).isEqualTo(RejectionReason.CLOCK_AHEAD);
    }

    // ---------------------------------------------------------------- integrity

    @Test
    void flippingAnyByteOfTheHeaderIsRejected() throws Exception {
        byte[] sealed = sealed();
        String s = str(sealed);
        int from = s.indexOf("<env:Header>");
        int to = s.indexOf("</env:Header>") + "</env:Header>".length();
        EnvelopeOpener opener = opener();
        Set<RejectionReason> allowed = Set.of(RejectionReason.BAD_SIGNATURE, RejectionReason.MALFORMED,
                RejectionReason.SCHEMA_INVALID, RejectionReason.UNKNOWN_SENDER, RejectionReason.WRONG_RECIPIENT);
        for (int i = from; i < to; i++) {
            byte[] t = sealed.clone();
            t[i] ^= 0x01;
            assertThat(reasonOf(opener, t)).as("flipped byte %d (%c)", i, (char) sealed[i]).isIn(allowed);
        }
    }

    @Test
    void flippingBytesOfTheCiphertextsKeysAndSignatureIsRejected() throws Exception {
        byte[] sealed = sealed();
        String s = str(sealed);
        EnvelopeOpener opener = opener();
        List<Integer> positions = new ArrayList<>();
        int cv = 0;
        while ((cv = s.indexOf("<xenc:CipherValue>", cv)) >= 0) {
            int start = cv + "<xenc:CipherValue>".length();
            int end = s.indexOf("</xenc:CipherValue>", start);
            for (int k = 0; k < 40; k++) {
                positions.add(start + (int) ((long) (end - start - 1) * k / 39));
            }
            cv = end;
        }
        for (String marker : new String[]{"<dsig11:PublicKey>", "PartyUInfo=\"", "AlgorithmID=\"", "<ds:SignatureValue>", "<ds:DigestValue>",
                "Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm", "Type=\"http"}) {
            int p = s.indexOf(marker) + marker.length();
            for (int k = 0; k < 8; k++) {
                positions.add(p + k);
            }
        }
        assertThat(positions).hasSizeGreaterThan(100);
        for (int pos : positions) {
            byte[] t = sealed.clone();
            t[pos] ^= 0x01;
            assertThat(reasonOf(opener, t)).as("flipped byte %d", pos)
                    .isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.MALFORMED, RejectionReason.SCHEMA_INVALID);
        }
    }

    // ---------------------------------------------------------------- signature wrapping and algorithm games

    /** Removes the signature and signs again with the given parameters; with the defaults the result must be accepted. */
    static byte[] resign(byte[] sealed, PrivateKey key, X509Certificate keyInfoCert, String sigAlg, String digestAlg,
                         String uri, boolean xpath) throws Exception {
        Document d = SecureXml.parse(sealed);
        Element root = d.getDocumentElement();
        root.removeChild(root.getLastChild());
        if (uri.startsWith("#")) {
            Element ed = (Element) d.getElementsByTagNameNS(XENC, "EncryptedData").item(0);
            ed.setAttributeNS(null, "Id", uri.substring(1));
            ed.setIdAttributeNS(null, "Id", true);
        }
        XMLSignature sig = new XMLSignature(d, "", sigAlg, Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        root.appendChild(sig.getElement());
        Transforms t = new Transforms(d);
        t.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
        if (xpath) {
            XPathContainer x = new XPathContainer(d);
            x.setXPathNamespaceContext("env", "urn:jukibus:envelope:1");
            x.setXPath("not(ancestor-or-self::env:Header)");
            t.addTransform(Transforms.TRANSFORM_XPATH, x.getElementPlusReturns());
        }
        t.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
        sig.addDocument(uri, t, digestAlg);
        sig.addKeyInfo(keyInfoCert);
        sig.sign(key);
        return SecureXml.serialize(d);
    }

    byte[] resignDefault(byte[] sealed) throws Exception {
        return resign(sealed, a.privateKey(), a.certificate(), XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, "", false);
    }

    @Test
    void resigningHelperProducesAcceptedSignaturesWithTheRightParameters() throws Exception {
        assertThat(opener().open(resignDefault(sealed()))).isNotNull();
    }

    @Test
    void signatureByAnotherKeyIsRejectedEvenIfKeyInfoCarriesThatKey() throws Exception {
        byte[] forged = resign(sealed(), c.privateKey(), c.certificate(), XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, "", false);
        assertThat(reasonOf(opener(), forged)).isEqualTo(RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void theKeyAgreementIsCheckedEvenUnderAValidSignature() throws Exception {
        String s = str(sealed());
        // an invalid-curve attack: the originator's point moved off P-256
        int pk = s.indexOf("<dsig11:PublicKey>") + "<dsig11:PublicKey>".length();
        String point = s.substring(pk, s.indexOf("</dsig11:PublicKey>", pk));
        byte[] raw = java.util.Base64.getDecoder().decode(point);
        raw[raw.length - 1] ^= 0x01;
        byte[] offCurve = resignDefault(bytes(s.replace(point, java.util.Base64.getEncoder().encodeToString(raw))));
        assertThat(reasonOf(opener(), offCurve)).isEqualTo(RejectionReason.UNDECRYPTABLE);
        // another curve named for the same point
        byte[] otherCurve = resignDefault(bytes(s.replace("urn:oid:1.2.840.10045.3.1.7", "urn:oid:1.3.132.0.34")));
        assertThat(reasonOf(opener(), otherCurve)).isEqualTo(RejectionReason.UNDECRYPTABLE);
        // key derivation input the opener does not use
        byte[] extraInput = resignDefault(bytes(s.replace("PartyUInfo=", "SuppPubInfo=\"00\" PartyUInfo=")));
        assertThat(rejection(opener(), extraInput).getMessage()).contains("SuppPubInfo");
        assertThat(reasonOf(opener(), extraInput)).isEqualTo(RejectionReason.UNDECRYPTABLE);
    }

    @Test
    void downgradesAreRejected() throws Exception {
        byte[] sealed = sealed();
        // ecdsa-sha1 with the sender's real key
        assertThat(reasonOf(opener(), resign(sealed, a.privateKey(), a.certificate(), XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA1,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, "", false))).isEqualTo(RejectionReason.BAD_SIGNATURE);
        // sha1 digest with the sender's real key
        assertThat(reasonOf(opener(), resign(sealed, a.privateKey(), a.certificate(), XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1, "", false))).isEqualTo(RejectionReason.BAD_SIGNATURE);
        // rsa-sha1 / rsa-sha256
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rsa = g.generateKeyPair();
        for (String alg : new String[]{XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256}) {
            byte[] bytes = resign(sealed, rsa.getPrivate(), a.certificate(), alg, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1, "", false);
            assertThat(str(bytes)).contains(alg);
            assertThat(reasonOf(opener(), bytes)).isEqualTo(RejectionReason.BAD_SIGNATURE);
        }
    }

    @Test
    void idBasedReferenceIsRejectedEvenIfCorrectlySigned() throws Exception {
        byte[] idRef = resign(sealed(), a.privateKey(), a.certificate(), XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, "#ed1", false);
        assertThat(str(idRef)).contains("URI=\"#ed1\"");
        assertThat(reasonOf(opener(), idRef)).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.SCHEMA_INVALID);
    }

    @Test
    void xpathTransformIsRejectedEvenIfCorrectlySigned() throws Exception {
        byte[] sealed = sealed();
        byte[] xp = resign(sealed, a.privateKey(), a.certificate(), XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, "", true);
        assertThat(str(xp)).contains("REC-xpath-19991116");
        assertThat(reasonOf(opener(), xp)).isEqualTo(RejectionReason.BAD_SIGNATURE);
        // with the header excluded from the signature, an attacker could now change it: still refused
        String changed = str(xp).replace(">" + Fixtures.RECIPIENT + "<", ">" + Fixtures.RECIPIENT + "<");
        assertThat(reasonOf(opener(), bytes(changed))).isEqualTo(RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void classicWrappingIntoDsObjectIsRejected() throws Exception {
        byte[] sealed = sealed();
        Document original = SecureXml.parse(sealed);
        Document attack = SecureXml.parse(sealed);
        // attacker changes the header (a fresh message id defeats replay detection) ...
        Element msgId = (Element) attack.getElementsByTagNameNS("urn:jukibus:envelope:1", "MessageId").item(0);
        msgId.setTextContent("00000000-0000-4000-8000-000000000000");
        // ... and hides the original signed envelope in a ds:Object of the signature
        Element sig = (Element) attack.getDocumentElement().getLastChild();
        Element object = attack.createElementNS(DSIG, "ds:Object");
        object.appendChild(attack.importNode(original.getDocumentElement(), true));
        sig.appendChild(object);
        assertThat(reasonOf(opener(), SecureXml.serialize(attack))).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.SCHEMA_INVALID);

        // same, with the copy's signature removed so that only one ds:Signature remains
        Element copy = (Element) object.getFirstChild();
        copy.removeChild(copy.getLastChild());
        assertThat(reasonOf(opener(), SecureXml.serialize(attack))).isEqualTo(RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void wrappingTheSignedEnvelopeIntoAnotherElementIsRejected() throws Exception {
        byte[] sealed = sealed();
        Document original = SecureXml.parse(sealed);
        // wrapper root around the signed envelope
        Document wrapped = SecureXml.newDocument();
        Element wrapper = wrapped.createElementNS("urn:jukibus:envelope:1", "env:Envelope");
        wrapper.setAttributeNS(null, "version", "1");
        wrapped.appendChild(wrapper);
        wrapper.appendChild(wrapped.importNode(original.getDocumentElement(), true));
        assertThat(reasonOf(opener(), SecureXml.serialize(wrapped))).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.SCHEMA_INVALID);

        // attacker envelope (other header), the original signed envelope hidden inside its (skip-processed) EncryptedData,
        // the original signature moved to the attacker's envelope
        Document attack = SecureXml.parse(sealed);
        attack.getElementsByTagNameNS("urn:jukibus:envelope:1", "CreatedAt").item(0).setTextContent("2026-04-01T09:00:01Z");
        Element ed = (Element) attack.getElementsByTagNameNS(XENC, "EncryptedData").item(0);
        Element hidden = (Element) attack.importNode(original.getDocumentElement(), true);
        hidden.removeChild(hidden.getLastChild());
        ed.appendChild(hidden);
        assertThat(reasonOf(opener(), SecureXml.serialize(attack))).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.UNDECRYPTABLE);
        EnvelopeRejectedException e = rejection(opener(), SecureXml.serialize(attack));
        assertThat(e.reason()).isEqualTo(RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void aSecondSignatureIsRejected() throws Exception {
        byte[] sealed = sealed();
        // second signature after the first
        Document d = SecureXml.parse(sealed);
        Element sig = (Element) d.getDocumentElement().getLastChild();
        d.getDocumentElement().appendChild(sig.cloneNode(true));
        assertThat(reasonOf(opener(), SecureXml.serialize(d))).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.SCHEMA_INVALID);
        // second signature hidden in the EncryptedData
        d = SecureXml.parse(sealed);
        sig = (Element) d.getDocumentElement().getLastChild();
        d.getElementsByTagNameNS(XENC, "EncryptedData").item(0).appendChild(sig.cloneNode(true));
        assertThat(reasonOf(opener(), SecureXml.serialize(d))).isEqualTo(RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void signatureNotLastChildIsRejected() throws Exception {
        byte[] sealed = sealed();
        // signature moved to the front
        Document d = SecureXml.parse(sealed);
        Element root = d.getDocumentElement();
        Node sig = root.getLastChild();
        root.insertBefore(sig, root.getFirstChild());
        assertThat(reasonOf(opener(), SecureXml.serialize(d))).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.SCHEMA_INVALID);
        // something (a comment, which the schema ignores) after the signature
        d = SecureXml.parse(sealed);
        d.getDocumentElement().appendChild(d.createComment("x"));
        EnvelopeRejectedException e = rejection(opener(), SecureXml.serialize(d));
        assertThat(e.reason()).isEqualTo(RejectionReason.BAD_SIGNATURE);
        assertThat(e.getMessage()).contains("last child");
    }

    // ---------------------------------------------------------------- parser attacks and limits

    @Test
    void billionLaughsIsRefusedAsMalformed() throws Exception {
        String s = str(sealed());
        String bomb = """
                <?xml version="1.0"?>
                <!DOCTYPE env:Envelope [
                 <!ENTITY lol "lol">
                 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
                 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
                ]>
                """ + s.substring(s.indexOf("?>") + 2).replace("<env:Type>", "<env:Type>&lol3;");
        EnvelopeRejectedException e = rejection(opener(), bytes(bomb));
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(e.getMessage()).contains("DOCTYPE not allowed");
    }

    @Test
    void xxeIsRefusedAndTheFileNeverAppears() throws Exception {
        String s = str(sealed());
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE env:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + s.substring(s.indexOf("?>") + 2).replace("<env:Type>TransferInNotice", "<env:Type>&x;");
        EnvelopeRejectedException e = rejection(opener(), bytes(xxe));
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(e.getMessage()).contains("DOCTYPE not allowed").doesNotContain("root:");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("root:").doesNotContain("/bin/");
        }
    }

    @Test
    void oversizeIsRefusedBeforeParsing() throws Exception {
        byte[] sealed = sealed();
        EnvelopeOpener small = EnvelopeOpener.builder().ownCode(b.code()).ownKey(b.privateKey()).ownCertificate(b.certificate())
                .senderCertificates(TestKeys.directory(a, b)).clock(Clock.fixed(now, ZoneOffset.UTC)).maxBytes(sealed.length - 1).build();
        assertThat(reasonOf(small, sealed)).isEqualTo(RejectionReason.OVERSIZE);
        byte[] huge = new byte[SecureXml.DEFAULT_MAX_BYTES + 1]; // not even XML: must not get to the parser
        assertThat(reasonOf(opener(), huge)).isEqualTo(RejectionReason.OVERSIZE);
    }

    @Test
    void deeplyNestedPayloadIsRejected() throws Exception {
        String deep = "<x>".repeat(200) + "</x>".repeat(200);
        Document payload = Fixtures.doc(Fixtures.notice(Fixtures.RESIDENT_CODE).replace("TI-2026-000123</NoticeId>", "TI</NoticeId>"));
        // nest inside the payload programmatically (the parser would refuse to build it)
        Element notice = payload.getDocumentElement();
        Element cur = notice;
        for (int i = 0; i < 200; i++) {
            Element e = payload.createElementNS("urn:jukibus:transfer-in:1", "Deep");
            cur.appendChild(e);
            cur = e;
        }
        byte[] sealed = sealer.seal(Fixtures.header(now), payload, a.privateKey(), a.certificate(), b.certificate());
        assertThat(reasonOf(opener(), sealed)).isIn(RejectionReason.MALFORMED, RejectionReason.SCHEMA_INVALID);
        // deep nesting in the envelope itself
        String s = str(sealed());
        String deepEnvelope = s.replace("</xenc:EncryptedData>", deep + "</xenc:EncryptedData>");
        EnvelopeRejectedException e = rejection(opener(), bytes(deepEnvelope));
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(e.getMessage()).contains("deeper than");
    }

    @Test
    void schemaInvalidPayloadIsRejected() throws Exception {
        Document tenDigits = Fixtures.doc(Fixtures.notice("1234567890"));
        byte[] sealed = sealer.seal(Fixtures.header(now), tenDigits, a.privateKey(), a.certificate(), b.certificate());
        EnvelopeRejectedException e = rejection(opener(), sealed);
        assertThat(e.reason()).isEqualTo(RejectionReason.SCHEMA_INVALID);
        assertThat(e.getMessage()).contains("ResidentCode").doesNotContain("1234567890");

        // a Receipt sent under Type TransferInNotice
        Document receipt = Fixtures.doc("<Receipt xmlns=\"urn:jukibus:receipt:1\"><ReceivedMessageId>"
                + java.util.UUID.randomUUID() + "</ReceivedMessageId><ReceivedAt>2026-04-01T09:00:00Z</ReceivedAt>"
                + "<Recipient>131041</Recipient><Status>DELIVERED</Status></Receipt>");
        sealed = sealer.seal(Fixtures.header(now), receipt, a.privateKey(), a.certificate(), b.certificate());
        assertThat(reasonOf(opener(), sealed)).isEqualTo(RejectionReason.SCHEMA_INVALID);
        // ... and correctly typed it is accepted
        EnvelopeHeader h = new EnvelopeHeader(java.util.UUID.randomUUID().toString(), "Receipt", a.code(), b.code(), now, null);
        sealed = sealer.seal(h, receipt, a.privateKey(), a.certificate(), b.certificate());
        assertThat(opener().open(sealed).header().type()).isEqualTo("Receipt");
    }

    @Test
    void schemaInvalidEnvelopeHeaderIsRejected() throws Exception {
        String s = str(sealed());
        assertThat(reasonOf(opener(), bytes(s.replace("version=\"1\"", "version=\"2\"")))).isEqualTo(RejectionReason.SCHEMA_INVALID);
        assertThat(reasonOf(opener(), bytes(s.replace("<env:Sender>131041", "<env:Sender>13 1041")))).isEqualTo(RejectionReason.SCHEMA_INVALID);
        assertThat(reasonOf(opener(), bytes("not xml at all"))).isEqualTo(RejectionReason.MALFORMED);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void sealerAndOpenerAreUsableFromSeveralThreads() throws Exception {
        EnvelopeOpener opener = opener();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<EnvelopeHeader>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                fs.add(pool.submit(() -> {
                    EnvelopeHeader h = Fixtures.header(now);
                    byte[] sealed = sealer.seal(h, Fixtures.noticeDoc(), a.privateKey(), a.certificate(), b.certificate());
                    OpenedEnvelope o = opener.open(sealed);
                    assertThat(o.header()).isEqualTo(h);
                    return o.header();
                }));
            }
            for (Future<EnvelopeHeader> f : fs) {
                assertThat(f.get()).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(() -> opener.open(null)).isInstanceOf(EnvelopeRejectedException.class);
    }
}
