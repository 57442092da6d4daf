package org.jukibus.directory;

import org.apache.xml.security.Init;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.jukibus.node.NodeRole;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Signs a directory document as the central node: one enveloped XML-DSig signature over the whole document
 * (Reference URI="", transforms enveloped-signature + exclusive c14n, SHA-256, ECDSA-SHA256), KeyInfo with the
 * signer certificate, appended as the last child of {@code <directory>}.
 */
public final class DirectorySigner {

    static final String SIGNATURE_ALGORITHM = XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256;
    static final String C14N = Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS;
    static final String DIGEST = "http://www.w3.org/2001/04/xmlenc#sha256";

    static {
        Init.init();
    }

    private DirectorySigner() {
    }

    /**
     * Returns the signed document's bytes (UTF-8). {@code unsigned} is not modified; any Signature in it is dropped.
     *
     * @throws IllegalArgumentException if {@code central} is not a central node's key, or the document is not a directory
     */
    public static byte[] sign(Document unsigned, KeyMaterial central) {
        NodeIdentity id = central.identity();
        if (id.role() != NodeRole.CENTRAL) {
            throw new IllegalArgumentException("only the central node signs the directory; this key belongs to " + id);
        }
        return signAnyKey(unsigned, central);
    }

    /** Signs without checking the signer's role (tests use it to forge directories signed by the wrong node). */
    static byte[] signAnyKey(Document unsigned, KeyMaterial central) {
        // serialize and re-parse: signs exactly what a receiver will parse (namespace declarations included)
        Document doc;
        try {
            doc = SecureDom.parse(SecureDom.serialize(unsigned), Long.MAX_VALUE);
        } catch (DirectoryRejectedException e) {
            throw new IllegalArgumentException("cannot sign: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (root == null || !DirectoryXml.NS.equals(root.getNamespaceURI()) || !"directory".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a directory document (root must be {" + DirectoryXml.NS + "}directory)");
        }
        NodeList old = doc.getElementsByTagNameNS(DirectoryXml.DS, "Signature");
        for (int i = old.getLength() - 1; i >= 0; i--) {
            Node n = old.item(i);
            n.getParentNode().removeChild(n);
        }
        try {
            XMLSignature sig = new XMLSignature(doc, "", SIGNATURE_ALGORITHM, C14N);
            root.appendChild(sig.getElement());
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            sig.addDocument("", transforms, DIGEST);
            sig.addKeyInfo(central.certificate());
            sig.sign(central.privateKey());
        } catch (XMLSecurityException e) {
            throw new IllegalStateException("cannot sign the directory: " + e.getMessage(), e);
        }
        return SecureDom.serialize(doc);
    }
}
