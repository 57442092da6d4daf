package org.jukibus.envelope;

import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.apache.xml.security.encryption.EncryptedData;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.encryption.keys.KeyInfoEnc;
import org.apache.xml.security.encryption.keys.content.AgreementMethodImpl;
import org.apache.xml.security.encryption.keys.content.derivedKey.ConcatKDF;
import org.apache.xml.security.encryption.params.ConcatKDFParams;
import org.apache.xml.security.encryption.params.KeyAgreementParameters;
import org.apache.xml.security.keys.KeyInfo;
import org.jukibus.xml.EllipticCurves;
import org.jukibus.xml.NamespaceDeclarations;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.WholeDocumentSignature;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Seals a payload into a secure envelope (see docs/architecture.md, Cryptography):
 * <ol>
 * <li>the payload element is serialised (UTF-8, no XML declaration) and encrypted as XML-Enc 1.1
 * {@code EncryptedData Type="#Element"} with {@code aes256-gcm} under a fresh content key;</li>
 * <li>the content key is wrapped with {@code kw-aes256} under a key agreed by {@code ECDH-ES}
 * (fresh ephemeral P-256 key against the recipient certificate's key) and {@code ConcatKDF}/SHA-256
 * (AlgorithmID = the kw-aes256 URI, PartyUInfo = sender code, PartyVInfo = recipient code);</li>
 * <li>the whole envelope is signed (enveloped XML-DSig, {@code URI=""}, exc-c14n, SHA-256,
 * {@code ecdsa-sha256}); the Signature is the last child of {@code env:Envelope}.</li>
 * </ol>
 * The sender cannot decrypt its own envelope afterwards. Thread-safe: no mutable state.
 */
public final class EnvelopeSealer {

    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ISO_INSTANT;

    static {
        org.jukibus.xml.XmlSecurity.init();
    }

    private final SecureRandom random;

    public EnvelopeSealer() {
        this(new SecureRandom());
    }

    public EnvelopeSealer(SecureRandom random) {
        this.random = random;
    }

    /**
     * @param header        the clear-text header (no personal data); {@code createdAt} is written in UTC, to the millisecond
     * @param payload       the payload document; its document element is what gets encrypted
     * @param senderKey     the sending node's EC private key (signs)
     * @param senderCert    the sending node's certificate (put in KeyInfo for information only)
     * @param recipientCert the recipient node's certificate; its EC P-256 key is the key-agreement partner
     * @return the serialised envelope (UTF-8)
     */
    public byte[] seal(EnvelopeHeader header, Document payload, PrivateKey senderKey,
                       X509Certificate senderCert, X509Certificate recipientCert) {
        return sealed(header, payload, senderKey, senderCert, recipientCert).envelope();
    }

    /** As {@link #seal}, with the plaintext it encrypted (what the sender keeps for a resend). */
    public SealedEnvelope sealed(EnvelopeHeader header, Document payload, PrivateKey senderKey,
                                 X509Certificate senderCert, X509Certificate recipientCert) {
        PublicKey recipientKey = recipientCert.getPublicKey();
        if (!(recipientKey instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("recipient certificate does not carry an EC P-256 key");
        }
        Element payloadRoot = payload.getDocumentElement();
        if (payloadRoot == null) {
            throw new IllegalArgumentException("empty payload document");
        }
        byte[] plaintext = SecureXml.serializeFragment(payloadRoot);

        Document doc = SecureXml.newDocument();
        Element env = doc.createElementNS(EnvelopeXml.ENV_NS, "env:Envelope");
        env.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:env", EnvelopeXml.ENV_NS);
        env.setAttributeNS(null, "version", EnvelopeXml.VERSION);
        doc.appendChild(env);

        Element h = child(doc, env, "Header", null);
        child(doc, h, "MessageId", header.messageId());
        child(doc, h, "Type", header.type());
        child(doc, h, "Sender", header.sender());
        child(doc, h, "Recipient", header.recipient());
        child(doc, h, "CreatedAt", INSTANT.format(header.createdAt().truncatedTo(ChronoUnit.MILLIS)));
        if (header.correlationId() != null) {
            child(doc, h, "CorrelationId", header.correlationId());
        }
        Element body = child(doc, env, "Body", null);

        try {
            byte[] cekBytes = new byte[32];
            random.nextBytes(cekBytes);
            SecretKey cek = new SecretKeySpec(cekBytes, "AES");

            ConcatKDFParams kdf = ConcatKDFParams.createBuilder(256, EnvelopeXml.SHA256)
                    .algorithmID(EnvelopeXml.bitString(EnvelopeXml.KW_AES256))
                    .partyUInfo(EnvelopeXml.bitString(header.sender()))
                    .partyVInfo(EnvelopeXml.bitString(header.recipient()))
                    .build();
            // ECDH-ES by hand (EllipticCurves: Santuario would run it on SunEC, several times slower), with the table
            // kept for the recipient's certificate key;
            // Santuario wraps the content key under the derived key and writes the AgreementMethod.
            KeyPair ephemeral = EllipticCurves.ephemeralKeyPair(random);
            SecretKey kek = new SecretKeySpec(
                    new ConcatKDF().deriveKey(EllipticCurves.agreeWithStaticKey(ephemeral.getPrivate(), recipientKey), kdf), "AES");
            KeyAgreementParameters kap = new KeyAgreementParameters(
                    KeyAgreementParameters.ActorType.ORIGINATOR, EnvelopeXml.ECDH_ES, kdf);
            kap.setOriginatorKeyPair(ephemeral);
            kap.setRecipientPublicKey(recipientKey);
            XMLCipher keyCipher = XMLCipher.getInstance(EnvelopeXml.KW_AES256);
            keyCipher.init(XMLCipher.WRAP_MODE, kek);
            EncryptedKey encryptedKey = keyCipher.encryptKey(doc, cek);
            KeyInfoEnc agreement = new KeyInfoEnc(doc);
            agreement.add(new AgreementMethodImpl(doc, kap));
            encryptedKey.setKeyInfo(agreement);

            XMLCipher dataCipher = XMLCipher.getInstance(EnvelopeXml.AES256_GCM);
            dataCipher.init(XMLCipher.ENCRYPT_MODE, cek);
            EncryptedData encryptedData = dataCipher.encryptData(doc, EnvelopeXml.TYPE_ELEMENT,
                    new ByteArrayInputStream(plaintext));
            encryptedData.setType(EnvelopeXml.TYPE_ELEMENT);
            KeyInfo keyInfo = new KeyInfo(doc);
            keyInfo.add(encryptedKey);
            encryptedData.setKeyInfo(keyInfo);
            Element edElement = dataCipher.martial(doc, encryptedData);
            body.appendChild(edElement);
            describeRecipient(doc, edElement, recipientCert);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encrypt payload: " + e.getMessage(), e);
        }

        // Sign exactly what the receiver will parse: Santuario writes some namespace declarations as plain
        // attributes (no namespace), which the canonicaliser would sign as attributes while the serialiser writes
        // them as declarations. Declared properly in place, without a serialise/parse round trip.
        NamespaceDeclarations.declare(doc.getDocumentElement());
        WholeDocumentSignature.sign(doc, senderKey, senderCert);
        return new SealedEnvelope(SecureXml.serialize(doc), plaintext);
    }

    /**
     * Fills xenc:RecipientKeyInfo (informational: which certificate's key was used) with
     * ds:X509Data/ds:X509IssuerSerial of the recipient certificate.
     */
    private static void describeRecipient(Document doc, Element encryptedData, X509Certificate recipientCert) {
        NodeList list = encryptedData.getElementsByTagNameNS(EnvelopeXml.XENC_NS, "RecipientKeyInfo");
        Element rki;
        if (list.getLength() == 1) {
            rki = (Element) list.item(0);
            while (rki.getFirstChild() != null) {
                rki.removeChild(rki.getFirstChild());
            }
        } else {
            Element am = (Element) encryptedData.getElementsByTagNameNS(EnvelopeXml.XENC_NS, "AgreementMethod").item(0);
            rki = doc.createElementNS(EnvelopeXml.XENC_NS, "xenc:RecipientKeyInfo");
            am.appendChild(rki);
        }
        Element x509Data = doc.createElementNS(EnvelopeXml.DSIG_NS, "ds:X509Data");
        Element issuerSerial = doc.createElementNS(EnvelopeXml.DSIG_NS, "ds:X509IssuerSerial");
        Element issuer = doc.createElementNS(EnvelopeXml.DSIG_NS, "ds:X509IssuerName");
        issuer.setTextContent(recipientCert.getIssuerX500Principal().getName());
        Element serial = doc.createElementNS(EnvelopeXml.DSIG_NS, "ds:X509SerialNumber");
        serial.setTextContent(recipientCert.getSerialNumber().toString());
        issuerSerial.appendChild(issuer);
        issuerSerial.appendChild(serial);
        x509Data.appendChild(issuerSerial);
        rki.appendChild(x509Data);
    }

    private static Element child(Document doc, Element parent, String name, String text) {
        Element e = doc.createElementNS(EnvelopeXml.ENV_NS, "env:" + name);
        if (text != null) {
            e.setTextContent(text);
        }
        parent.appendChild(e);
        return e;
    }
}
