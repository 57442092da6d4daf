package org.jukibus.directory;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Signs a directory document as the central node with {@link WholeDocumentSignature}: one enveloped XML-DSig
 * signature over the whole document (Reference URI="", transforms enveloped-signature + exclusive c14n, SHA-256,
 * ECDSA-SHA256), KeyInfo with the signer certificate, appended as the last child of {@code <directory>}.
 */
public final class DirectorySigner {

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
            doc = SecureXml.parse(SecureXml.serialize(unsigned), Integer.MAX_VALUE);
        } catch (XmlRejectedException e) {
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
        WholeDocumentSignature.sign(doc, central.privateKey(), central.certificate());
        return SecureXml.serialize(doc);
    }
}
