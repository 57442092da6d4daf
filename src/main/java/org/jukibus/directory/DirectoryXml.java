package org.jukibus.directory;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.WholeDocumentSignature;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** DOM mapping of the directory (namespace {@value #NS}). */
final class DirectoryXml {

    static final String NS = "urn:jukibus:directory:1";
    static final String DS = WholeDocumentSignature.DSIG_NS;

    private DirectoryXml() {
    }

    static Document toDocument(long serial, Instant issuedAt, List<NodeEntry> entries) {
        return toDocument(serial, issuedAt, null, entries);
    }

    static Document toDocument(long serial, Instant issuedAt, Instant nextUpdate, List<NodeEntry> entries) {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(NS, "directory");
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", NS);
        root.setAttribute("serial", Long.toString(serial));
        if (issuedAt != null) {
            root.setAttribute("issuedAt", issuedAt.toString());
        }
        if (nextUpdate != null) {
            root.setAttribute("nextUpdate", nextUpdate.toString());
        }
        doc.appendChild(root);
        for (NodeEntry e : entries) {
            root.appendChild(doc.createTextNode("\n  "));
            Element node = doc.createElementNS(NS, "node");
            node.setAttribute("role", e.role().id());
            node.setAttribute("code", e.code());
            child(node, "name", e.name());
            if (e.prefecture() != null) {
                child(node, "prefecture", e.prefecture());
            }
            child(node, "primary", e.primary().toString());
            child(node, "backup", e.backup().toString());
            try {
                child(node, "certificate", Base64.getEncoder().encodeToString(e.certificate().getEncoded()));
                if (e.nextCertificate() != null) {
                    child(node, "nextCertificate", Base64.getEncoder().encodeToString(e.nextCertificate().getEncoded()));
                }
            } catch (CertificateEncodingException ex) {
                throw new IllegalArgumentException("cannot encode certificate of " + e.code(), ex);
            }
            node.appendChild(doc.createTextNode("\n  "));
            root.appendChild(node);
        }
        root.appendChild(doc.createTextNode("\n"));
        return doc;
    }

    private static void child(Element parent, String name, String text) {
        parent.appendChild(parent.getOwnerDocument().createTextNode("\n    "));
        Element c = parent.getOwnerDocument().createElementNS(NS, name);
        c.setTextContent(text);
        parent.appendChild(c);
    }

    /** Reads the model from a schema-valid document (ignores the Signature). */
    static NodeDirectory fromDocument(Document doc) throws DirectoryRejectedException {
        Element root = doc.getDocumentElement();
        if (!NS.equals(root.getNamespaceURI()) || !"directory".equals(root.getLocalName())) {
            throw new DirectoryRejectedException("directory rejected: the root element is not {" + NS + "}directory");
        }
        long serial;
        try {
            serial = Long.parseLong(root.getAttribute("serial"));
        } catch (NumberFormatException e) {
            throw new DirectoryRejectedException("directory rejected: bad serial '" + root.getAttribute("serial") + "'");
        }
        Instant issuedAt = time(root, "issuedAt");
        Instant nextUpdate = time(root, "nextUpdate");
        List<NodeEntry> entries = new ArrayList<>();
        CertificateFactory cf;
        try {
            cf = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element el) || !NS.equals(el.getNamespaceURI()) || !"node".equals(el.getLocalName())) {
                continue;
            }
            String code = el.getAttribute("code");
            try {
                String prefecture = text(el, "prefecture");
                String next = text(el, "nextCertificate");
                entries.add(new NodeEntry(NodeRole.fromId(el.getAttribute("role")), code, text(el, "name"), prefecture,
                        Endpoint.parse(text(el, "primary")), Endpoint.parse(text(el, "backup")),
                        certificate(cf, text(el, "certificate")), next == null ? null : certificate(cf, next)));
            } catch (CertificateException | RuntimeException e) {
                throw new DirectoryRejectedException("directory rejected: bad entry for node '" + code + "': " + e.getMessage(), e);
            }
        }
        try {
            return new NodeDirectory(serial, issuedAt, nextUpdate, entries);
        } catch (IllegalArgumentException e) {
            throw new DirectoryRejectedException("directory rejected: " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(CertificateFactory cf, String base64) throws CertificateException {
        byte[] der = Base64.getMimeDecoder().decode(base64);
        return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    }

    /** An optional ISO-8601 time attribute; null when absent. */
    private static Instant time(Element root, String name) throws DirectoryRejectedException {
        if (!root.hasAttribute(name)) {
            return null;
        }
        String value = root.getAttribute(name).trim();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (RuntimeException e) {
            try {
                return Instant.parse(value);
            } catch (RuntimeException e2) {
                throw new DirectoryRejectedException("directory rejected: bad " + name + " '" + value
                        + "' (expected an ISO-8601 time with offset)");
            }
        }
    }

    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && NS.equals(el.getNamespaceURI()) && name.equals(el.getLocalName())) {
                return el.getTextContent().trim();
            }
        }
        return null;
    }
}
