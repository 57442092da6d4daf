package org.jukibus.directory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import org.apache.xml.security.Init;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.jukibus.node.NodeRole;
import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Loads a signed node directory and accepts it only if it is well-formed without a DTD, within the size limit,
 * valid against directory.xsd, and carries exactly one signature, the last child of {@code <directory>}, that
 * covers the whole document with exactly the algorithms {@link DirectorySigner} uses, made by a central node
 * certificate that validates against the root CA (and CRL).
 */
public final class DirectoryLoader {

    /** Default size limit: 32 MiB (about 1,800 entries take ~3 MiB). */
    public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

    static {
        Init.init();
    }

    private DirectoryLoader() {
    }

    public static NodeDirectory load(Path file, X509Certificate rootCa, X509CRL crlOrNull, Clock clock)
            throws DirectoryRejectedException, IOException {
        long size = Files.size(file);
        if (size > DEFAULT_MAX_BYTES) {
            throw new DirectoryRejectedException("directory rejected: " + size + " bytes is over the limit of " + DEFAULT_MAX_BYTES);
        }
        return load(Files.readAllBytes(file), rootCa, crlOrNull, clock);
    }

    public static NodeDirectory load(byte[] xml, X509Certificate rootCa, X509CRL crlOrNull, Clock clock)
            throws DirectoryRejectedException {
        return load(xml, rootCa, crlOrNull, clock, DEFAULT_MAX_BYTES);
    }

    public static NodeDirectory load(byte[] xml, X509Certificate rootCa, X509CRL crlOrNull, Clock clock, long maxBytes)
            throws DirectoryRejectedException {
        Objects.requireNonNull(rootCa, "rootCa");
        Objects.requireNonNull(clock, "clock");
        Document doc = SecureDom.parse(xml, maxBytes);
        SecureDom.validateDirectory(doc);
        verifySignature(doc, new CertificateValidator(rootCa, crlOrNull, clock));
        NodeDirectory dir = DirectoryXml.fromDocument(doc);
        if (dir.issuedAt() == null) {
            throw new DirectoryRejectedException("directory rejected: no issuedAt");
        }
        return dir;
    }

    /** Reads a directory without any signature check (for editing an unsigned directory). */
    static NodeDirectory readUnsigned(byte[] xml) throws DirectoryRejectedException {
        Document doc = SecureDom.parse(xml, DEFAULT_MAX_BYTES);
        SecureDom.validateDirectory(doc);
        return DirectoryXml.fromDocument(doc);
    }

    private static void verifySignature(Document doc, CertificateValidator validator) throws DirectoryRejectedException {
        Element root = doc.getDocumentElement();
        NodeList sigs = doc.getElementsByTagNameNS(DirectoryXml.DS, "Signature");
        if (sigs.getLength() == 0) {
            throw reject("it is not signed");
        }
        if (sigs.getLength() > 1) {
            throw reject("it has " + sigs.getLength() + " signatures; exactly one is allowed");
        }
        Element sigEl = (Element) sigs.item(0);
        if (sigEl.getParentNode() != root || sigEl.getNextSibling() != null) {
            throw reject("the signature is not the last child of <directory>");
        }
        X509Certificate signer = signerCertificate(sigEl);
        try {
            XMLSignature sig = new XMLSignature(sigEl, "", true);
            SignedInfo si = sig.getSignedInfo();
            expect("canonicalization method", si.getCanonicalizationMethodURI(), DirectorySigner.C14N);
            expect("signature method", si.getSignatureMethodURI(), DirectorySigner.SIGNATURE_ALGORITHM);
            if (si.getLength() != 1) {
                throw reject("the signature has " + si.getLength() + " references; exactly one is allowed");
            }
            if (sig.getObjectLength() != 0) {
                throw reject("the signature carries ds:Object elements");
            }
            Reference ref = si.item(0);
            Element refEl = ref.getElement();
            if (!refEl.hasAttribute("URI") || !refEl.getAttribute("URI").isEmpty()) {
                throw reject("the signature's reference is not URI=\"\" (the whole document)");
            }
            expect("digest method", ref.getMessageDigestAlgorithm().getAlgorithmURI(), DirectorySigner.DIGEST);
            Transforms t = ref.getTransforms();
            if (t == null || t.getLength() != 2) {
                throw reject("the reference must have exactly the transforms enveloped-signature and exclusive c14n");
            }
            expect("first transform", t.item(0).getURI(), Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            expect("second transform", t.item(1).getURI(), Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            try {
                validator.validate(signer, NodeRole.CENTRAL);
            } catch (CertificateRejectedException e) {
                throw reject("the signer certificate is not acceptable: " + e.getMessage());
            }
            if (!sig.checkSignatureValue(signer.getPublicKey())) {
                throw reject("the signature does not match the content (the directory was changed after signing)");
            }
        } catch (XMLSecurityException e) {
            throw new DirectoryRejectedException("directory rejected: bad signature: " + e.getMessage(), e);
        }
    }

    private static X509Certificate signerCertificate(Element sigEl) throws DirectoryRejectedException {
        List<Element> keyInfos = children(sigEl, "KeyInfo");
        if (keyInfos.size() != 1) {
            throw reject("the signature has no KeyInfo with the signer certificate");
        }
        NodeList certs = keyInfos.get(0).getElementsByTagNameNS(DirectoryXml.DS, "X509Certificate");
        if (certs.getLength() != 1) {
            throw reject("the signature's KeyInfo must carry exactly one X509Certificate");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(certs.item(0).getTextContent().trim());
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | IllegalArgumentException e) {
            throw reject("the signer certificate in KeyInfo cannot be read");
        }
    }

    private static List<Element> children(Element parent, String localName) {
        java.util.ArrayList<Element> out = new java.util.ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && DirectoryXml.DS.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static void expect(String what, String actual, String expected) throws DirectoryRejectedException {
        if (!expected.equals(actual)) {
            throw reject("unexpected " + what + " " + actual + " (only " + expected + " is accepted)");
        }
    }

    private static DirectoryRejectedException reject(String why) {
        return new DirectoryRejectedException("directory rejected: " + why);
    }
}
