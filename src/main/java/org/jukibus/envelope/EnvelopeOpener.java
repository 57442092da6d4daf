package org.jukibus.envelope;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.encryption.keys.content.derivedKey.ConcatKDF;
import org.apache.xml.security.encryption.params.ConcatKDFParams;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.keys.content.keyvalues.ECKeyValue;
import org.jukibus.xml.EllipticCurves;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlShapes;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SignatureRejectedException;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.w3c.dom.Node;

/**
 * Opens secure envelopes addressed to this node. Every check that fails ends in an
 * {@link EnvelopeRejectedException} with its {@link RejectionReason} and a clear detail; the checks
 * run in this order so that nothing unauthenticated reaches the decryptor:
 * <ol>
 * <li>size (OVERSIZE)</li>
 * <li>hardened parse, no DOCTYPE, depth limit (MALFORMED)</li>
 * <li>envelope schema (SCHEMA_INVALID)</li>
 * <li>sender known to the directory (UNKNOWN_SENDER)</li>
 * <li>recipient is this node (WRONG_RECIPIENT)</li>
 * <li>strict whole-document signature with the sender's directory certificate, never KeyInfo (BAD_SIGNATURE)</li>
 * <li>createdAt within [now - maxAge, now + maxFuture]: older is EXPIRED, later is CLOCK_AHEAD (the sender's clock
 * is ahead of this node's, or this node's behind). Both carry the verified header, so the caller can tell a late copy of
 * a delivered message from a message never delivered, and tell the signer of the other</li>
 * <li>the certificate whose key verified the signature was valid at createdAt, the time the envelope says it was
 * sealed, not at now (SENDER_CERTIFICATE_EXPIRED past its notAfter, SENDER_CERTIFICATE_NOT_YET_VALID before its
 * notBefore less maxFuture, the clock skew allowed in step 7; with the verified header): an envelope sealed under a valid certificate that waited out an outage
 * while the certificate expired is still delivered, one sealed with a key whose certificate had already lapsed is
 * not</li>
 * <li>decryption: aes256-gcm/aes128-gcm, kw-aes256/kw-aes128, ECDH-ES + ConcatKDF(SHA-256) only (UNDECRYPTABLE)</li>
 * <li>payload parse (MALFORMED) and validation against the schema registered for the header's Type (SCHEMA_INVALID)</li>
 * </ol>
 * <p><b>Back-dating.</b> createdAt is the signer's claim. A signer that still holds the key of its expired certificate
 * (the directory lists it during a renewal's overlap, or an operator forgot to drop it) can write a createdAt inside
 * that certificate's validity and so pass step 8. Step 7 bounds this: createdAt is at least now - maxAge, so an
 * envelope can claim a time before the certificate's notAfter only while now is within maxAge (the outage window plus
 * a day) of that notAfter. After that every envelope under the old key is refused, whatever it claims. Within that
 * time, a back-dated envelope is one the signer could really have sealed under its valid certificate and held back
 * through an outage, which the outage window accepts by design; the signer is the node itself (the broker checks the
 * producer is the signer, InboundDelivery), which can sign anything as itself with its current key anyway, so
 * back-dating gains it nothing. A replay by back-dating is refused too: delivered ids are kept longer than maxAge
 * (flow.SeenMessages). A key in other hands is a matter of revocation, which is checked at now: a sender whose
 * certificate the CRL in force lists is unknown here, whatever its createdAt (NodeEnvelopes).
 * <p><b>Replay</b> is not checked here: the caller must refuse a {@code messageId} it has already seen from
 * the same sender within {@code maxAge + maxFuture} (RejectionReason.REPLAY) — messages older than that are
 * refused as EXPIRED. A node sets {@code maxAge} to its outage window plus a margin (node.NodeEnvelopes).
 * <p>Thread-safe: immutable configuration; per-call parsers, validators and ciphers.
 */
public final class EnvelopeOpener {

    private static final Set<String> DATA_ALGORITHMS = Set.of(EnvelopeXml.AES256_GCM, EnvelopeXml.AES128_GCM);
    private static final Set<String> WRAP_ALGORITHMS = Set.of(EnvelopeXml.KW_AES256, XMLCipher.AES_128_KeyWrap);

    static {
        org.jukibus.xml.XmlSecurity.init();
    }

    private final String ownCode;
    private final PrivateKey ownKey;
    private final X509Certificate ownCertificate;
    private final PrivateKey renewalKey;
    private final X509Certificate renewalCertificate;
    private final SenderCertificates senderCertificates;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration maxFuture;
    private final int maxBytes;
    private final PayloadTypes payloadTypes;

    private EnvelopeOpener(Builder b) {
        this.ownCode = Objects.requireNonNull(b.ownCode, "ownCode");
        this.ownKey = Objects.requireNonNull(b.ownKey, "ownKey");
        this.ownCertificate = Objects.requireNonNull(b.ownCertificate, "ownCertificate");
        this.renewalKey = b.renewalKey;
        this.renewalCertificate = b.renewalCertificate;
        this.senderCertificates = Objects.requireNonNull(b.senderCertificates, "senderCertificates");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.maxAge = Objects.requireNonNull(b.maxAge, "maxAge");
        this.maxFuture = Objects.requireNonNull(b.maxFuture, "maxFuture");
        this.maxBytes = b.maxBytes;
        this.payloadTypes = Objects.requireNonNull(b.payloadTypes, "payloadTypes");
        if (!(ownKey instanceof ECPrivateKey) || (renewalKey != null && !(renewalKey instanceof ECPrivateKey))) {
            throw new IllegalArgumentException("own key must be an EC private key");
        }
        if ((renewalKey == null) != (renewalCertificate == null)) {
            throw new IllegalArgumentException("a renewal key needs its certificate");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Opens one envelope; see the class documentation for the checks. */
    public OpenedEnvelope open(byte[] bytes) throws EnvelopeRejectedException {
        Document doc = parsed(bytes, maxBytes);
        Element root = doc.getDocumentElement();
        // 4. header, sender
        EnvelopeHeader unverified = readHeader(root);
        List<X509Certificate> senderCerts = knownSender(unverified, senderCertificates);
        // 5. recipient
        if (!ownCode.equals(unverified.recipient())) {
            throw new EnvelopeRejectedException(RejectionReason.WRONG_RECIPIENT,
                    "envelope is addressed to '" + unverified.recipient() + "', this node is '" + ownCode + "'");
        }
        // 6. signature
        Verified verified = verified(doc, senderCerts, unverified);
        EnvelopeHeader header = unverified;
        // 7. time window. Signed: its sender may be told, once the caller knows this is no late copy of a delivered message
        Instant now = clock.instant();
        if (header.createdAt().isBefore(now.minus(maxAge))) {
            throw new EnvelopeRejectedException(RejectionReason.EXPIRED,
                    "created at " + header.createdAt() + ", older than " + maxAge + " (now " + now + ")").signedBy(header);
        }
        if (header.createdAt().isAfter(now.plus(maxFuture))) {
            // which clock is wrong is not known here: both times are told
            throw new EnvelopeRejectedException(RejectionReason.CLOCK_AHEAD, "created at " + header.createdAt()
                    + " by the sender's clock, more than " + maxFuture + " after this node's clock (now " + now + ")")
                    .signedBy(header);
        }
        // 8. the signing certificate was valid when the envelope was sealed (createdAt, now bounded by step 7)
        requireCertifiedAt(header, verified.certificate(), senderCerts, maxFuture);
        // 9. decrypt
        Element body = elementChildren(verified.envelope()).get(1);
        Element encryptedData = elementChildren(body).get(0);
        checkEncryptedData(encryptedData, header);
        byte[] plaintext;
        try {
            XMLCipher cipher = XMLCipher.getInstance();
            cipher.setSecureValidation(true);
            cipher.init(XMLCipher.DECRYPT_MODE, contentKey(encryptedData));
            plaintext = cipher.decryptToByteArray(encryptedData);
        } catch (Exception e) {
            throw new EnvelopeRejectedException(RejectionReason.UNDECRYPTABLE,
                    "cannot decrypt the payload with this node's key: " + e.getMessage(), e);
        }
        if (plaintext == null || plaintext.length == 0) {
            throw new EnvelopeRejectedException(RejectionReason.UNDECRYPTABLE, "empty plaintext");
        }
        // 10. payload
        Document payload;
        try {
            payload = SecureXml.parse(plaintext, maxBytes);
        } catch (XmlRejectedException e) {
            throw new EnvelopeRejectedException(RejectionReason.MALFORMED, "payload: " + e.getMessage(), e).signedBy(header);
        }
        PayloadTypes.PayloadType type = payloadTypes.find(header.type()).orElseThrow(() ->
                new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "no schema registered for type '" + header.type() + "'")
                        .signedBy(header));
        Element payloadRoot = payload.getDocumentElement();
        if (!type.rootNamespace().equals(payloadRoot.getNamespaceURI()) || !type.rootLocalName().equals(payloadRoot.getLocalName())) {
            throw new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "payload root {" + payloadRoot.getNamespaceURI()
                    + "}" + payloadRoot.getLocalName() + " does not match type " + header.type()).signedBy(header);
        }
        try {
            Schemas.validate(type.schemaFile(), payload, true);
        } catch (XmlRejectedException e) {
            throw new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "payload: " + e.getMessage(), e).signedBy(header);
        }
        return new OpenedEnvelope(header, payload, plaintext);
    }

    /**
     * Checks steps 1-4 and 6 only (size, parse, envelope schema, known sender, signature), without this node's key
     * or clock: what {@code jukibus evidence verify} asks of a kept envelope years later, with the certificates
     * that were in force when it arrived. The payload stays encrypted.
     *
     * @return the verified header
     */
    public static EnvelopeHeader verifySigned(byte[] bytes, int maxBytes, SenderCertificates certificates)
            throws EnvelopeRejectedException {
        Document doc = parsed(bytes, maxBytes);
        EnvelopeHeader unverified = readHeader(doc.getDocumentElement());
        verified(doc, knownSender(unverified, certificates), unverified);
        return unverified;
    }

    /** Steps 1-3: size, hardened parse, envelope schema. */
    private static Document parsed(byte[] bytes, int maxBytes) throws EnvelopeRejectedException {
        // 1. size
        if (bytes == null || bytes.length > maxBytes) {
            throw new EnvelopeRejectedException(RejectionReason.OVERSIZE,
                    "envelope is " + (bytes == null ? "missing" : bytes.length + " bytes") + ", the limit is " + maxBytes);
        }
        // 2. parse
        Document doc;
        try {
            doc = SecureXml.parse(bytes, maxBytes);
        } catch (XmlRejectedException e) {
            throw new EnvelopeRejectedException(
                    e.reason() == XmlRejectedException.Reason.OVERSIZE ? RejectionReason.OVERSIZE : RejectionReason.MALFORMED,
                    e.getMessage(), e);
        }
        // 3. envelope schema
        try {
            Schemas.validate(EnvelopeXml.SCHEMA, doc);
        } catch (XmlRejectedException e) {
            throw new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, e.getMessage(), e);
        }
        return doc;
    }

    private static List<X509Certificate> knownSender(EnvelopeHeader unverified, SenderCertificates certificates)
            throws EnvelopeRejectedException {
        List<X509Certificate> senderCerts = certificates.certificatesOf(unverified.sender());
        if (senderCerts.isEmpty()) {
            throw new EnvelopeRejectedException(RejectionReason.UNKNOWN_SENDER,
                    "sender '" + unverified.sender() + "' is not in the directory");
        }
        return senderCerts;
    }

    /** The verified envelope element and the directory certificate whose key verified its signature. */
    private record Verified(Element envelope, X509Certificate certificate) {
    }

    /** Step 6: the signature covers the whole envelope, and the header read before it is the one it covers. */
    private static Verified verified(Document doc, List<X509Certificate> senderCerts, EnvelopeHeader unverified)
            throws EnvelopeRejectedException {
        Element root = doc.getDocumentElement();
        Verified verified = verifySignature(doc, senderCerts, unverified.sender());
        if (verified.envelope() != root || doc.getDocumentElement() != root) {
            throw new EnvelopeRejectedException(RejectionReason.BAD_SIGNATURE, "verified element is not the envelope");
        }
        // re-read everything from the verified element
        if (!readHeader(verified.envelope()).equals(unverified)) {
            throw new EnvelopeRejectedException(RejectionReason.BAD_SIGNATURE, "header changed after verification");
        }
        return verified;
    }

    /**
     * Verifies the whole-document signature with the sender's directory certificates: the one it has, or during its
     * renewal overlap either of its two (it may sign with the old key until it switches, the new one after).
     */
    private static Verified verifySignature(Document doc, List<X509Certificate> senderCerts, String sender)
            throws EnvelopeRejectedException {
        SignatureRejectedException last = null;
        for (X509Certificate cert : senderCerts) {
            try {
                return new Verified(WholeDocumentSignature.verify(doc, cert.getPublicKey()), cert);
            } catch (SignatureRejectedException e) {
                last = e;
            }
        }
        throw new EnvelopeRejectedException(RejectionReason.BAD_SIGNATURE, last.getMessage() + " (sender " + sender + ")", last);
    }

    /**
     * Step 8: a certificate of the sender for the key that verified the signature was valid at the envelope's createdAt
     * (notBefore &lt;= createdAt &lt;= notAfter). Any of the sender's directory certificates for that key counts: a
     * renewal that kept the key lists it twice. Checked at createdAt, not at now, so a message that waited out an outage
     * while its sender's certificate expired is still delivered (see the class documentation on back-dating).
     */
    /**
     * Step 8. notBefore gets the clock skew step 7 allows for createdAt ({@code skew}, maxFuture): the CA dates a new
     * certificate by its own clock, and a renewed node whose clock is a minute behind the CA's, switching to its new key
     * at once, stamps createdAt before notBefore; refusing that would refuse it for good (a createdAt never moves).
     * notAfter gets none: an envelope sealed after it needs no tolerance to be refused, and the skew is no licence to
     * extend a certificate.
     */
    private static void requireCertifiedAt(EnvelopeHeader header, X509Certificate signer, List<X509Certificate> senderCerts,
                                           Duration skew) throws EnvelopeRejectedException {
        Date created = Date.from(header.createdAt());
        Date skewed = Date.from(header.createdAt().plus(skew)); // createdAt >= notBefore - skew
        for (X509Certificate cert : senderCerts) {
            if (cert.getPublicKey().equals(signer.getPublicKey())
                    && !skewed.before(cert.getNotBefore()) && !created.after(cert.getNotAfter())) {
                return;
            }
        }
        String which = "the certificate of " + header.sender() + " whose key signed it (serial "
                + signer.getSerialNumber().toString(16) + ")";
        if (created.after(signer.getNotAfter())) {
            throw new EnvelopeRejectedException(RejectionReason.SENDER_CERTIFICATE_EXPIRED, "created at " + header.createdAt()
                    + ", but " + which + " expired at " + signer.getNotAfter().toInstant()).signedBy(header);
        }
        throw new EnvelopeRejectedException(RejectionReason.SENDER_CERTIFICATE_NOT_YET_VALID, "created at "
                + header.createdAt() + ", but " + which + " is valid only from " + signer.getNotBefore().toInstant()
                + " (less " + skew + " of clock skew)")
                .signedBy(header);
    }

    /** Reads the header from a schema-valid envelope element. */
    private static EnvelopeHeader readHeader(Element envelope) throws EnvelopeRejectedException {
        Element header = elementChildren(envelope).get(0);
        List<Element> f = elementChildren(header);
        String createdText = f.get(4).getTextContent();
        Instant created;
        try {
            created = OffsetDateTime.parse(createdText).toInstant();
        } catch (DateTimeParseException e) {
            throw new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "CreatedAt '" + createdText + "' is not a date-time with zone");
        }
        return new EnvelopeHeader(f.get(0).getTextContent(), f.get(1).getTextContent().strip(), f.get(2).getTextContent(),
                f.get(3).getTextContent(), created, f.size() > 5 ? f.get(5).getTextContent() : null);
    }

    /**
     * Checks the EncryptedData has exactly the one accepted shape before any decryption: Type=Element,
     * an accepted content algorithm, one EncryptedKey with an accepted key wrap whose key comes from an
     * ECDH-ES AgreementMethod with ConcatKDF/SHA-256 and an originator EC key value; inline CipherValues only
     * (no CipherReference, no RetrievalMethod, no KeyName lookup).
     */
    private void checkEncryptedData(Element ed, EnvelopeHeader header) throws EnvelopeRejectedException {
        expect(ed, EnvelopeXml.XENC_NS, "EncryptedData");
        attributes(ed, "Type", "Id", "MimeType", "Encoding");
        if (!EnvelopeXml.TYPE_ELEMENT.equals(ed.getAttributeNS(null, "Type"))) {
            throw undecryptable("EncryptedData Type must be " + EnvelopeXml.TYPE_ELEMENT);
        }
        List<Element> c = elementChildren(ed);
        if (c.size() != 3) {
            throw undecryptable("EncryptedData must hold EncryptionMethod, KeyInfo and CipherData only");
        }
        algorithm(expect(c.get(0), EnvelopeXml.XENC_NS, "EncryptionMethod"), DATA_ALGORITHMS);
        List<Element> ki = elementChildren(expect(c.get(1), EnvelopeXml.DSIG_NS, "KeyInfo"));
        if (ki.size() != 1) {
            throw undecryptable("EncryptedData KeyInfo must hold exactly one EncryptedKey");
        }
        cipherData(c.get(2));

        Element ek = expect(ki.get(0), EnvelopeXml.XENC_NS, "EncryptedKey");
        List<Element> k = elementChildren(ek);
        if (k.size() != 3) {
            throw undecryptable("EncryptedKey must hold EncryptionMethod, KeyInfo and CipherData only");
        }
        algorithm(expect(k.get(0), EnvelopeXml.XENC_NS, "EncryptionMethod"), WRAP_ALGORITHMS);
        List<Element> eki = elementChildren(expect(k.get(1), EnvelopeXml.DSIG_NS, "KeyInfo"));
        if (eki.size() != 1) {
            throw undecryptable("EncryptedKey KeyInfo must hold exactly one AgreementMethod");
        }
        cipherData(k.get(2));

        Element am = expect(eki.get(0), EnvelopeXml.XENC_NS, "AgreementMethod");
        algorithm(am, Set.of(EnvelopeXml.ECDH_ES));
        Element kdm = null;
        Element originator = null;
        for (Element e : elementChildren(am)) {
            if (EnvelopeXml.XENC11_NS.equals(e.getNamespaceURI()) && "KeyDerivationMethod".equals(e.getLocalName()) && kdm == null) {
                kdm = e;
            } else if (EnvelopeXml.XENC_NS.equals(e.getNamespaceURI()) && "OriginatorKeyInfo".equals(e.getLocalName()) && originator == null) {
                originator = e;
            } else if (EnvelopeXml.XENC_NS.equals(e.getNamespaceURI()) && "RecipientKeyInfo".equals(e.getLocalName())) {
                // informational only
            } else {
                throw undecryptable("unexpected <" + e.getNodeName() + "> in AgreementMethod");
            }
        }
        if (kdm == null || originator == null) {
            throw undecryptable("AgreementMethod needs KeyDerivationMethod and OriginatorKeyInfo");
        }
        algorithm(kdm, Set.of(EnvelopeXml.CONCAT_KDF));
        List<Element> kdmc = elementChildren(kdm);
        if (kdmc.size() != 1) {
            throw undecryptable("KeyDerivationMethod must hold exactly ConcatKDFParams");
        }
        Element params = expect(kdmc.get(0), EnvelopeXml.XENC11_NS, "ConcatKDFParams");
        attributes(params, "AlgorithmID", "PartyUInfo", "PartyVInfo");
        List<Element> pc = elementChildren(params);
        if (pc.size() != 1) {
            throw undecryptable("ConcatKDFParams must hold exactly one DigestMethod");
        }
        algorithm(expect(pc.get(0), EnvelopeXml.DSIG_NS, "DigestMethod"), Set.of(EnvelopeXml.SHA256));
        expectParam(params, "PartyUInfo", EnvelopeXml.bitString(header.sender()));
        expectParam(params, "PartyVInfo", EnvelopeXml.bitString(header.recipient()));
        List<Element> oki = elementChildren(originator);
        if (oki.size() != 1) {
            throw undecryptable("OriginatorKeyInfo must hold exactly one KeyValue");
        }
        List<Element> kv = elementChildren(expect(oki.get(0), EnvelopeXml.DSIG_NS, "KeyValue"));
        if (kv.size() != 1) {
            throw undecryptable("OriginatorKeyInfo KeyValue must hold exactly one ECKeyValue");
        }
        expect(kv.get(0), EnvelopeXml.DSIG11_NS, "ECKeyValue");
    }

    /**
     * The content key of an EncryptedData that passed {@link #checkEncryptedData}: ECDH-ES of this
     * node's key and the originator's ephemeral key (on Bouncy Castle, see {@link EllipticCurves}),
     * ConcatKDF with the parameters as written (PartyUInfo and PartyVInfo were checked against the
     * header), then AES key unwrap, whose integrity check fails for any other key.
     */
    private Key contentKey(Element encryptedData) throws GeneralSecurityException, XMLSecurityException {
        Element encryptedKey = elementChildren(elementChildren(encryptedData).get(1)).get(0);
        List<Element> parts = elementChildren(encryptedKey);
        String wrap = parts.get(0).getAttributeNS(null, "Algorithm");
        Element agreement = elementChildren(parts.get(1)).get(0);
        Element params = null;
        Element ecKeyValue = null;
        for (Element e : elementChildren(agreement)) {
            if ("KeyDerivationMethod".equals(e.getLocalName())) {
                params = elementChildren(e).get(0);
            } else if ("OriginatorKeyInfo".equals(e.getLocalName())) {
                ecKeyValue = elementChildren(elementChildren(e).get(0)).get(0);
            }
        }
        PublicKey originator = new ECKeyValue(ecKeyValue, "").getPublicKey();
        ConcatKDFParams kdf = ConcatKDFParams.createBuilder(EnvelopeXml.KW_AES256.equals(wrap) ? 256 : 128, EnvelopeXml.SHA256)
                .algorithmID(params.getAttributeNS(null, "AlgorithmID"))
                .partyUInfo(params.getAttributeNS(null, "PartyUInfo"))
                .partyVInfo(params.getAttributeNS(null, "PartyVInfo"))
                .build();
        byte[] kek = new ConcatKDF().deriveKey(EllipticCurves.agree(keyFor(agreement), originator), kdf);
        Cipher unwrap = Cipher.getInstance("AESWrap");
        unwrap.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
        String wrapped = elementChildren(parts.get(2)).get(0).getTextContent();
        return unwrap.unwrap(Base64.getMimeDecoder().decode(wrapped.strip()), "AES", Cipher.SECRET_KEY);
    }

    /**
     * The private key the envelope was sealed to: the renewal key when RecipientKeyInfo (covered by the sender's
     * signature) names the renewal certificate by issuer and serial, else this node's key. A wrong choice cannot
     * open anything: the key unwrap's integrity check fails.
     */
    private PrivateKey keyFor(Element agreement) {
        if (renewalCertificate == null) {
            return ownKey;
        }
        for (Element e : elementChildren(agreement)) {
            if ("RecipientKeyInfo".equals(e.getLocalName())) {
                NodeList serial = e.getElementsByTagNameNS(EnvelopeXml.DSIG_NS, "X509SerialNumber");
                NodeList issuer = e.getElementsByTagNameNS(EnvelopeXml.DSIG_NS, "X509IssuerName");
                if (serial.getLength() == 1 && issuer.getLength() == 1
                        && renewalCertificate.getSerialNumber().toString().equals(serial.item(0).getTextContent().strip())
                        && renewalCertificate.getIssuerX500Principal().getName().equals(issuer.item(0).getTextContent().strip())) {
                    return renewalKey;
                }
            }
        }
        return ownKey;
    }

    private static void expectParam(Element params, String name, String expected) throws EnvelopeRejectedException {
        String v = params.getAttributeNS(null, name);
        if (!expected.equalsIgnoreCase(v)) {
            throw undecryptable("ConcatKDFParams " + name + " '" + v + "' does not match the header (expected " + expected + ")");
        }
    }

    private static void cipherData(Element cd) throws EnvelopeRejectedException {
        expect(cd, EnvelopeXml.XENC_NS, "CipherData");
        List<Element> c = elementChildren(cd);
        if (c.size() != 1) {
            throw undecryptable("CipherData must hold exactly one CipherValue");
        }
        expect(c.get(0), EnvelopeXml.XENC_NS, "CipherValue");
        if (!elementChildren(c.get(0)).isEmpty()) {
            throw undecryptable("CipherValue must hold text only");
        }
    }

    private static void algorithm(Element e, Set<String> accepted) throws EnvelopeRejectedException {
        String alg = e.getAttributeNS(null, "Algorithm");
        if (!accepted.contains(alg)) {
            throw undecryptable(e.getLocalName() + " algorithm '" + alg + "' not accepted (only " + accepted + ")");
        }
    }

    private static void attributes(Element e, String... allowed) throws EnvelopeRejectedException {
        Optional<Attr> extra = XmlShapes.disallowedAttribute(e, allowed);
        if (extra.isPresent()) {
            throw undecryptable("attribute " + extra.get().getName() + " not allowed on " + e.getNodeName());
        }
    }

    private static Element expect(Element e, String ns, String localName) throws EnvelopeRejectedException {
        if (!ns.equals(e.getNamespaceURI()) || !localName.equals(e.getLocalName())) {
            throw undecryptable("expected {" + ns + "}" + localName + ", found <" + e.getNodeName() + ">");
        }
        return e;
    }

    private static EnvelopeRejectedException undecryptable(String detail) {
        return new EnvelopeRejectedException(RejectionReason.UNDECRYPTABLE, detail);
    }

    private static List<Element> elementChildren(Element parent) {
        List<Element> out = new ArrayList<>(6);
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) n);
            }
        }
        return out;
    }

    public String ownCode() {
        return ownCode;
    }

    public X509Certificate ownCertificate() {
        return ownCertificate;
    }

    /** Builder; defaults: maxAge 24h, maxFuture 5 min, maxBytes 1 MiB, system UTC clock, {@link PayloadTypes#defaults()}. */
    public static final class Builder {
        private String ownCode;
        private PrivateKey ownKey;
        private X509Certificate ownCertificate;
        private PrivateKey renewalKey;
        private X509Certificate renewalCertificate;
        private SenderCertificates senderCertificates;
        private Clock clock = Clock.systemUTC();
        private Duration maxAge = Duration.ofHours(24);
        private Duration maxFuture = Duration.ofMinutes(5);
        private int maxBytes = SecureXml.DEFAULT_MAX_BYTES;
        private PayloadTypes payloadTypes = PayloadTypes.defaults();

        private Builder() {
        }

        public Builder ownCode(String v) { this.ownCode = v; return this; }
        public Builder ownKey(PrivateKey v) { this.ownKey = v; return this; }
        public Builder ownCertificate(X509Certificate v) { this.ownCertificate = v; return this; }
        /**
         * During a certificate renewal, this node's other key (the new one before it switches, the old one after):
         * envelopes sealed to {@code certificate} are opened with it.
         */
        public Builder renewalKey(PrivateKey key, X509Certificate certificate) {
            this.renewalKey = key;
            this.renewalCertificate = certificate;
            return this;
        }
        public Builder senderCertificates(SenderCertificates v) { this.senderCertificates = v; return this; }
        public Builder clock(Clock v) { this.clock = v; return this; }
        public Builder maxAge(Duration v) { this.maxAge = v; return this; }
        public Builder maxFuture(Duration v) { this.maxFuture = v; return this; }
        public Builder maxBytes(int v) { this.maxBytes = v; return this; }
        public Builder payloadTypes(PayloadTypes v) { this.payloadTypes = v; return this; }

        public EnvelopeOpener build() {
            return new EnvelopeOpener(this);
        }
    }
}
