package org.jukibus.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Security;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Checks the envelope against implementations other than Santuario: the JDK's own XML-DSig
 * ({@code XMLSignatureFactory.getInstance("DOM")}) verifies the signature, and plain DOM + JCA
 * (ECDH, ConcatKDF by hand per XML-Enc 1.1 §5.4.1, AESWrap, AES-GCM) decrypts the payload.
 */
class IndependentImplementationTest {

    static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    static final String DSIG11 = "http://www.w3.org/2009/xmldsig11#";
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    static final String XENC11 = "http://www.w3.org/2009/xmlenc11#";

    final TestKeys.NodeKeys a = TestKeys.node(Fixtures.SENDER);
    final TestKeys.NodeKeys b = TestKeys.node(Fixtures.RECIPIENT);
    final Instant now = Instant.parse("2026-04-01T09:00:00Z");

    static Document plainParse(byte[] bytes) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    static Element only(Element parent, String ns, String local) {
        Element found = null;
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                assertThat(found).as("one %s in %s", local, parent.getLocalName()).isNull();
                found = e;
            }
        }
        assertThat(found).as("%s in %s", local, parent.getLocalName()).isNotNull();
        return found;
    }

    @Test
    void jdkXmlDsigVerifiesTheSignatureWithTheSendersCertificate() throws Exception {
        byte[] sealed = new EnvelopeSealer().seal(Fixtures.header(now), Fixtures.noticeDoc(), a.privateKey(), a.certificate(), b.certificate());
        Document doc = plainParse(sealed);
        Element sigEl = (Element) doc.getElementsByTagNameNS(DSIG, "Signature").item(0);

        XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM", Security.getProvider("XMLDSig"));
        assertThat(fac.getClass().getName()).as("the JDK's implementation, not Santuario's").doesNotStartWith("org.apache");
        PublicKey senderKey = a.certificate().getPublicKey();
        KeySelector fixedKey = new KeySelector() {
            @Override
            public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext context) {
                return () -> senderKey;
            }
        };
        DOMValidateContext ctx = new DOMValidateContext(fixedKey, sigEl);
        ctx.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        XMLSignature sig = fac.unmarshalXMLSignature(ctx);
        assertThat(sig.validate(ctx)).isTrue();

        assertThat(sig.getSignedInfo().getSignatureMethod().getAlgorithm()).isEqualTo("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
        assertThat(sig.getSignedInfo().getCanonicalizationMethod().getAlgorithm()).isEqualTo("http://www.w3.org/2001/10/xml-exc-c14n#");
        @SuppressWarnings("unchecked")
        List<Reference> refs = sig.getSignedInfo().getReferences();
        assertThat(refs).hasSize(1);
        assertThat(refs.get(0).getURI()).isEmpty();
        assertThat(refs.get(0).getDigestMethod().getAlgorithm()).isEqualTo("http://www.w3.org/2001/04/xmlenc#sha256");
        @SuppressWarnings("unchecked")
        List<Transform> transforms = refs.get(0).getTransforms();
        assertThat(transforms).extracting(Transform::getAlgorithm)
                .containsExactly("http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#");

        // and the JDK refuses it with another node's key
        PublicKey otherKey = TestKeys.node(Fixtures.THIRD).certificate().getPublicKey();
        DOMValidateContext ctx2 = new DOMValidateContext(KeySelector.singletonKeySelector(otherKey), sigEl);
        assertThat(fac.unmarshalXMLSignature(ctx2).validate(ctx2)).isFalse();
    }

    @Test
    void plainJcaDecryptsThePayload() throws Exception {
        Document payload = Fixtures.noticeDoc();
        byte[] sealed = new EnvelopeSealer().seal(Fixtures.header(now), payload, a.privateKey(), a.certificate(), b.certificate());
        Document doc = plainParse(sealed);

        Element ed = (Element) doc.getElementsByTagNameNS(XENC, "EncryptedData").item(0);
        assertThat(ed.getAttribute("Type")).isEqualTo("http://www.w3.org/2001/04/xmlenc#Element");
        assertThat(only(ed, XENC, "EncryptionMethod").getAttribute("Algorithm")).isEqualTo("http://www.w3.org/2009/xmlenc11#aes256-gcm");
        Element ek = only(only(ed, DSIG, "KeyInfo"), XENC, "EncryptedKey");
        assertThat(only(ek, XENC, "EncryptionMethod").getAttribute("Algorithm")).isEqualTo("http://www.w3.org/2001/04/xmlenc#kw-aes256");
        Element am = only(only(ek, DSIG, "KeyInfo"), XENC, "AgreementMethod");
        assertThat(am.getAttribute("Algorithm")).isEqualTo("http://www.w3.org/2009/xmlenc11#ECDH-ES");
        Element kdm = only(am, XENC11, "KeyDerivationMethod");
        assertThat(kdm.getAttribute("Algorithm")).isEqualTo("http://www.w3.org/2009/xmlenc11#ConcatKDF");
        Element params = only(kdm, XENC11, "ConcatKDFParams");
        assertThat(only(params, DSIG, "DigestMethod").getAttribute("Algorithm")).isEqualTo("http://www.w3.org/2001/04/xmlenc#sha256");
        Element ecKeyValue = only(only(only(am, XENC, "OriginatorKeyInfo"), DSIG, "KeyValue"), DSIG11, "ECKeyValue");
        assertThat(only(ecKeyValue, DSIG11, "NamedCurve").getAttribute("URI")).isEqualTo("urn:oid:1.2.840.10045.3.1.7");
        byte[] point = Base64.getDecoder().decode(only(ecKeyValue, DSIG11, "PublicKey").getTextContent().strip());
        only(am, XENC, "RecipientKeyInfo");

        // ephemeral public key: uncompressed point 04 || X || Y on P-256
        assertThat(point).hasSize(65);
        assertThat(point[0]).isEqualTo((byte) 0x04);
        ECPublicKey recipientPub = (ECPublicKey) b.certificate().getPublicKey();
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)), new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
        PublicKey ephemeral = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, recipientPub.getParams()));

        // ECDH
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(b.privateKey());
        ka.doPhase(ephemeral, true);
        byte[] z = ka.generateSecret();

        // ConcatKDF (NIST SP 800-56A 5.8.1, XML-Enc 1.1 5.4.1): SHA-256(counter || Z || OtherInfo), OtherInfo = the
        // attribute bit strings without their leading padding-count octet, concatenated
        byte[] otherInfo = concat(bits(params.getAttribute("AlgorithmID")), bits(params.getAttribute("PartyUInfo")),
                bits(params.getAttribute("PartyVInfo")), bits(params.getAttribute("SuppPubInfo")), bits(params.getAttribute("SuppPrivInfo")));
        assertThat(new String(bits(params.getAttribute("PartyUInfo")), StandardCharsets.UTF_8)).isEqualTo(Fixtures.SENDER);
        assertThat(new String(bits(params.getAttribute("PartyVInfo")), StandardCharsets.UTF_8)).isEqualTo(Fixtures.RECIPIENT);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(ByteBuffer.allocate(4).putInt(1).array());
        sha256.update(z);
        sha256.update(otherInfo);
        byte[] kek = sha256.digest(); // 256 bits = one hash block

        // AES key unwrap (RFC 3394)
        byte[] wrapped = Base64.getDecoder().decode(only(only(ek, XENC, "CipherData"), XENC, "CipherValue").getTextContent().strip());
        Cipher unwrap = Cipher.getInstance("AESWrap");
        unwrap.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
        Key cek = unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
        assertThat(cek.getEncoded()).hasSize(32);

        // AES-256-GCM: IV = first 12 bytes, tag = last 16
        byte[] cv = Base64.getDecoder().decode(only(only(ed, XENC, "CipherData"), XENC, "CipherValue").getTextContent().strip());
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, cek, new GCMParameterSpec(128, cv, 0, 12));
        byte[] plaintext = gcm.doFinal(cv, 12, cv.length - 12);

        Document decrypted = plainParse(plaintext);
        assertThat(decrypted.getDocumentElement().isEqualNode(payload.getDocumentElement())).isTrue();
        assertThat(new String(plaintext, StandardCharsets.UTF_8)).contains(Fixtures.NAME, Fixtures.RESIDENT_CODE);

        // and our opener returns exactly these bytes
        EnvelopeOpener opener = EnvelopeOpener.builder().ownCode(b.code()).ownKey(b.privateKey()).ownCertificate(b.certificate())
                .senderCertificates(TestKeys.directory(a, b)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        assertThat(opener.open(sealed).payloadBytes()).isEqualTo(plaintext);
    }

    static byte[] bits(String hex) {
        if (hex == null || hex.isEmpty()) {
            return new byte[0];
        }
        byte[] b = HexFormat.of().parseHex(hex);
        assertThat(b[0]).as("padding bits").isZero();
        return Arrays.copyOfRange(b, 1, b.length);
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer buf = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            buf.put(p);
        }
        return buf.array();
    }
}
