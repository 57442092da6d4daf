package org.jukibus.xml;

import java.io.ByteArrayInputStream;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.jukibus.xml.SignatureRejectedException.Reason.DOES_NOT_VERIFY;
import static org.jukibus.xml.SignatureRejectedException.Reason.MISSING;
import static org.jukibus.xml.SignatureRejectedException.Reason.NOT_ACCEPTED;

/**
 * XML-DSig over a whole document, in exactly one shape:
 * one {@code ds:Signature}, the last child of the document element, whose SignedInfo has exclusive
 * c14n, {@code ecdsa-sha256} and exactly one Reference with {@code URI=""}, transforms exactly
 * [enveloped-signature, exc-c14n] and digest SHA-256, optionally followed by a KeyInfo holding exactly
 * one X509Data with exactly one X509Certificate. The verifier accepts nothing else (no ID references,
 * no XPath, no other algorithms, no ds:Object/Manifest, no other KeyInfo content) and takes the key
 * from the caller, never from KeyInfo: a caller that wants the certificate in KeyInfo reads it with
 * {@link #keyInfoCertificate(Document)}, validates it itself, and only then passes its key to
 * {@link #verify(Document, PublicKey)}. Because the one reference is the whole document, nothing can
 * be wrapped around or beside the signed content. ECDSA runs on {@link EllipticCurves#PROVIDER}.
 * Thread-safe (stateless).
 *
 * <p>Every {@link SignatureRejectedException} carries a {@link SignatureRejectedException.Reason}:
 * MISSING (no signature at all), NOT_ACCEPTED (not the one shape) or DOES_NOT_VERIFY.
 */
public final class WholeDocumentSignature {

    public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    public static final String SIGNATURE_METHOD = XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256; // http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256
    public static final String C14N_METHOD = Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS;    // http://www.w3.org/2001/10/xml-exc-c14n#
    public static final String ENVELOPED = Transforms.TRANSFORM_ENVELOPED_SIGNATURE;           // http://www.w3.org/2000/09/xmldsig#enveloped-signature
    public static final String DIGEST_METHOD = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256;  // http://www.w3.org/2001/04/xmlenc#sha256

    static {
        XmlSecurity.init();
    }

    private WholeDocumentSignature() {
    }

    /**
     * Signs the whole document; the Signature is appended as the last child of the document element.
     * The certificate goes into KeyInfo for information only.
     */
    public static void sign(Document doc, PrivateKey key, X509Certificate certificate) {
        Element root = doc.getDocumentElement();
        try {
            XMLSignature sig = new XMLSignature(doc, "", SIGNATURE_METHOD, C14N_METHOD, EllipticCurves.PROVIDER);
            root.appendChild(sig.getElement());
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(ENVELOPED);
            transforms.addTransform(C14N_METHOD);
            sig.addDocument("", transforms, DIGEST_METHOD);
            if (certificate != null) {
                sig.addKeyInfo(certificate);
            }
            sig.sign(EllipticCurves.onProvider(key));
        } catch (XMLSecurityException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies the one whole-document signature of {@code doc} with {@code key}.
     *
     * @return the verified element, which is always the document element
     * @throws SignatureRejectedException if the signature is missing, not of the one accepted shape, or wrong
     */
    public static Element verify(Document doc, PublicKey key) throws SignatureRejectedException {
        if (!(key instanceof ECPublicKey)) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "verification key is not an EC key");
        }
        Element root = doc.getDocumentElement();
        Element sigEl = signatureElement(doc);
        boolean ok;
        try {
            XMLSignature sig = new XMLSignature(sigEl, "", true, EllipticCurves.PROVIDER);
            ok = sig.checkSignatureValue(EllipticCurves.onProvider(key));
            if (ok) {
                // belt and braces: the one reference is URI="" and was verified
                if (sig.getSignedInfo().getLength() != 1 || !sig.getSignedInfo().getVerificationResult(0)) {
                    ok = false;
                }
            }
        } catch (XMLSecurityException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new SignatureRejectedException(DOES_NOT_VERIFY, "signature does not verify: " + e.getMessage(), e);
        }
        if (!ok) {
            throw new SignatureRejectedException(DOES_NOT_VERIFY, "signature does not verify with the sender's certificate");
        }
        // The reference URI="" covers the whole document of which root is the document element.
        if (doc.getDocumentElement() != root || sigEl.getParentNode() != root) {
            throw new SignatureRejectedException(DOES_NOT_VERIFY, "document changed during verification");
        }
        return root;
    }

    /**
     * The certificate carried in the signature's KeyInfo, <b>unverified</b>: the caller must validate it
     * (chain, role, revocation) before passing its key to {@link #verify(Document, PublicKey)}. The
     * signature must have the one accepted shape and placement, as for {@code verify}.
     *
     * @return the certificate, or {@code null} if the signature has no KeyInfo
     * @throws SignatureRejectedException MISSING or NOT_ACCEPTED (also if the certificate cannot be read)
     */
    public static X509Certificate keyInfoCertificate(Document doc) throws SignatureRejectedException {
        List<Element> parts = children(signatureElement(doc));
        if (parts.size() < 3) {
            return null;
        }
        // checkShape guarantees KeyInfo / X509Data / X509Certificate, one each
        Element certEl = children(children(parts.get(2)).get(0)).get(0);
        try {
            byte[] der = Base64.getMimeDecoder().decode(certEl.getTextContent().trim());
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | IllegalArgumentException | ClassCastException e) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "the X509Certificate in KeyInfo cannot be read", e);
        }
    }

    /** The one ds:Signature: exactly one in the document, the last child of the document element, of the accepted shape. */
    private static Element signatureElement(Document doc) throws SignatureRejectedException {
        Element root = doc.getDocumentElement();
        NodeList all = doc.getElementsByTagNameNS(DSIG_NS, "Signature");
        if (all.getLength() == 0) {
            throw new SignatureRejectedException(MISSING, "the document is not signed (no ds:Signature)");
        }
        if (all.getLength() != 1) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "expected exactly one ds:Signature in the document, found " + all.getLength());
        }
        Element sigEl = (Element) all.item(0);
        if (sigEl.getParentNode() != root) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "ds:Signature is not a child of the document element <" + root.getNodeName() + ">");
        }
        if (sigEl.getNextSibling() != null) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "ds:Signature is not the last child of the document element <" + root.getNodeName() + ">");
        }
        checkShape(sigEl);
        return sigEl;
    }

    /** Checks that the Signature element has exactly the one accepted structure. */
    static void checkShape(Element sig) throws SignatureRejectedException {
        noAttributesExcept(sig, "Id");
        List<Element> parts = children(sig);
        for (Element part : parts) {
            if (DSIG_NS.equals(part.getNamespaceURI()) && "Object".equals(part.getLocalName())) {
                throw new SignatureRejectedException(NOT_ACCEPTED, "ds:Object is not allowed in the signature");
            }
        }
        if (parts.size() < 2 || parts.size() > 3) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "ds:Signature must hold SignedInfo, SignatureValue and optionally KeyInfo only");
        }
        Element signedInfo = expect(parts.get(0), "SignedInfo");
        expect(parts.get(1), "SignatureValue");
        noAttributesExcept(parts.get(1), "Id");
        if (parts.size() == 3) {
            checkKeyInfo(expect(parts.get(2), "KeyInfo"));
        }
        noAttributesExcept(signedInfo);
        List<Element> si = children(signedInfo);
        if (si.size() != 3) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "SignedInfo must hold CanonicalizationMethod, SignatureMethod and exactly one Reference, found " + si.size() + " elements");
        }
        algorithm(expect(si.get(0), "CanonicalizationMethod"), C14N_METHOD);
        algorithm(expect(si.get(1), "SignatureMethod"), SIGNATURE_METHOD);
        Element ref = expect(si.get(2), "Reference");
        noAttributesExcept(ref, "URI");
        Attr uri = ref.getAttributeNodeNS(null, "URI");
        if (uri == null || !uri.getValue().isEmpty()) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "the Reference must have URI=\"\" (whole document), found "
                    + (uri == null ? "no URI" : "URI=\"" + uri.getValue() + "\""));
        }
        List<Element> r = children(ref);
        if (r.size() != 3) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "Reference must hold Transforms, DigestMethod and DigestValue");
        }
        List<Element> transforms = children(expect(r.get(0), "Transforms"));
        noAttributesExcept(r.get(0));
        if (transforms.size() != 2) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "transforms must be exactly [enveloped-signature, exc-c14n], found " + transforms.size());
        }
        algorithm(expect(transforms.get(0), "Transform"), ENVELOPED);
        algorithm(expect(transforms.get(1), "Transform"), C14N_METHOD);
        algorithm(expect(r.get(1), "DigestMethod"), DIGEST_METHOD);
        expect(r.get(2), "DigestValue");
        noAttributesExcept(r.get(2));
    }

    /** KeyInfo, if present, is exactly what {@link #sign} writes: one X509Data holding one X509Certificate. */
    private static void checkKeyInfo(Element keyInfo) throws SignatureRejectedException {
        noAttributesExcept(keyInfo, "Id");
        List<Element> data = children(keyInfo);
        if (data.size() != 1) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "KeyInfo must hold exactly one X509Data, found " + data.size() + " elements");
        }
        Element x509Data = expect(data.get(0), "X509Data");
        noAttributesExcept(x509Data);
        List<Element> certs = children(x509Data);
        if (certs.size() != 1) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "KeyInfo must carry exactly one X509Certificate, found " + certs.size() + " elements in X509Data");
        }
        Element cert = expect(certs.get(0), "X509Certificate");
        noAttributesExcept(cert);
        if (!children(cert).isEmpty()) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "X509Certificate must not have child elements");
        }
    }

    private static void algorithm(Element e, String expected) throws SignatureRejectedException {
        noAttributesExcept(e, "Algorithm");
        String alg = e.getAttributeNS(null, "Algorithm");
        if (!expected.equals(alg)) {
            throw new SignatureRejectedException(NOT_ACCEPTED, e.getLocalName() + " '" + alg + "' not accepted (only " + expected + ")");
        }
        if (!children(e).isEmpty()) {
            throw new SignatureRejectedException(NOT_ACCEPTED, e.getLocalName() + " must not have child elements");
        }
    }

    private static Element expect(Element e, String localName) throws SignatureRejectedException {
        if (!DSIG_NS.equals(e.getNamespaceURI()) || !localName.equals(e.getLocalName())) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "expected ds:" + localName + ", found <" + e.getNodeName() + ">");
        }
        return e;
    }

    private static void noAttributesExcept(Element e, String... allowed) throws SignatureRejectedException {
        Optional<Attr> extra = XmlShapes.disallowedAttribute(e, allowed);
        if (extra.isPresent()) {
            throw new SignatureRejectedException(NOT_ACCEPTED, "attribute " + extra.get().getName() + " not allowed on " + e.getNodeName());
        }
    }

    /** Element children; any non-whitespace text, comment or processing instruction is refused. */
    static List<Element> children(Element parent) throws SignatureRejectedException {
        List<Element> out = new ArrayList<>(4);
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            switch (n.getNodeType()) {
                case Node.ELEMENT_NODE -> out.add((Element) n);
                case Node.TEXT_NODE -> {
                    if (!n.getNodeValue().isBlank()) {
                        if (!"SignatureValue".equals(parent.getLocalName()) && !"DigestValue".equals(parent.getLocalName())
                                && !"X509Certificate".equals(parent.getLocalName())) {
                            throw new SignatureRejectedException(NOT_ACCEPTED, "unexpected text in " + parent.getNodeName());
                        }
                    }
                }
                default -> throw new SignatureRejectedException(NOT_ACCEPTED, "unexpected node in " + parent.getNodeName());
            }
        }
        return out;
    }
}
