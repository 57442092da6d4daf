package org.jukibus.xml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Hardened DOM parsing of untrusted bytes and signature-safe serialisation.
 *
 * <p>Parsing is namespace aware and refuses any DOCTYPE (so no internal or external entities, no
 * external DTD), has XInclude off and secure processing on. The input size is checked before the
 * parser sees a byte; the element depth is checked after parsing. The factory is built once; the
 * {@link DocumentBuilder}s and serialisers (not thread-safe) are reused, one thread at a time ({@link Reusables}).
 * All methods are thread-safe.
 */
public final class SecureXml {

    /** Default maximum input size: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    /** Default maximum element depth (the document element is depth 1). */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private static final byte[] DOCTYPE = "<!DOCTYPE".getBytes(StandardCharsets.US_ASCII);

    private static final DocumentBuilderFactory FACTORY = newFactory();
    private static final TransformerFactory TRANSFORMERS = newTransformerFactory();

    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings are not errors
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static final Reusables<DocumentBuilder> BUILDERS = new Reusables<>(() -> {
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(THROWING);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity refused: " + systemId);
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("cannot create a hardened DocumentBuilder", e);
        }
    });

    private static final Reusables<Transformer> DOC_SERIALIZERS = new Reusables<>(() -> newSerializer(false));
    private static final Reusables<Transformer> FRAGMENT_SERIALIZERS = new Reusables<>(() -> newSerializer(true));

    private SecureXml() {
    }

    private static DocumentBuilderFactory newFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setCoalescing(false);
        f.setIgnoringComments(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser does not support the required hardening features", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private static TransformerFactory newTransformerFactory() {
        TransformerFactory tf = TransformerFactory.newInstance();
        try {
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException(e);
        }
        tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        return tf;
    }

    private static Transformer newSerializer(boolean omitDeclaration) {
        try {
            Transformer t = TRANSFORMERS.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            t.setOutputProperty(OutputKeys.METHOD, "xml");
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, omitDeclaration ? "yes" : "no");
            return t;
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses with the default limits (1 MiB, depth 64). */
    public static Document parse(byte[] xml) throws XmlRejectedException {
        return parse(xml, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);
    }

    /** Parses with the given size limit and the default depth limit (64). */
    public static Document parse(byte[] xml, int maxBytes) throws XmlRejectedException {
        return parse(xml, maxBytes, DEFAULT_MAX_DEPTH);
    }

    /**
     * Parses untrusted bytes into a DOM document.
     *
     * @throws XmlRejectedException OVERSIZE (before parsing), DTD, MALFORMED (with line:column) or TOO_DEEP
     */
    public static Document parse(byte[] xml, int maxBytes, int maxDepth) throws XmlRejectedException {
        if (xml == null) {
            throw new XmlRejectedException(XmlRejectedException.Reason.MALFORMED, "no input");
        }
        if (xml.length > maxBytes) {
            throw new XmlRejectedException(XmlRejectedException.Reason.OVERSIZE,
                    "input is " + xml.length + " bytes, the limit is " + maxBytes);
        }
        if (indexOf(xml, DOCTYPE) >= 0) {
            throw new XmlRejectedException(XmlRejectedException.Reason.DTD, "DOCTYPE not allowed");
        }
        DocumentBuilder b = BUILDERS.take();
        Document doc;
        try {
            doc = b.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("DOCTYPE") || msg.contains("disallow-doctype-decl")) {
                throw new XmlRejectedException(XmlRejectedException.Reason.DTD, "DOCTYPE not allowed", e);
            }
            throw new XmlRejectedException(XmlRejectedException.Reason.MALFORMED,
                    "not well-formed at line " + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + msg, e);
        } catch (SAXException e) {
            throw new XmlRejectedException(XmlRejectedException.Reason.MALFORMED, "not well-formed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new XmlRejectedException(XmlRejectedException.Reason.MALFORMED, "cannot read input: " + e.getMessage(), e);
        } finally {
            BUILDERS.giveBack(b);
        }
        if (doc.getDoctype() != null) { // defence in depth, cannot happen with disallow-doctype-decl
            throw new XmlRejectedException(XmlRejectedException.Reason.DTD, "DOCTYPE not allowed");
        }
        checkDepth(doc, maxDepth);
        return doc;
    }

    /** Iterative (no recursion) depth check of the element tree. */
    static void checkDepth(Document doc, int maxDepth) throws XmlRejectedException {
        Node n = doc.getDocumentElement();
        int depth = 1;
        while (n != null) {
            if (n.getNodeType() == Node.ELEMENT_NODE && depth > maxDepth) {
                throw new XmlRejectedException(XmlRejectedException.Reason.TOO_DEEP,
                        "elements nested deeper than " + maxDepth + " (at <" + n.getNodeName() + ">)");
            }
            Node child = n.getFirstChild();
            if (child != null) {
                n = child;
                depth++;
                continue;
            }
            while (n != null && n.getNextSibling() == null) {
                n = n.getParentNode();
                depth--;
                if (depth <= 0) {
                    return;
                }
            }
            if (n != null) {
                n = n.getNextSibling();
            }
        }
    }

    /** A new empty namespace-aware document. */
    public static Document newDocument() {
        DocumentBuilder b = BUILDERS.take();
        try {
            return b.newDocument();
        } finally {
            BUILDERS.giveBack(b);
        }
    }

    /**
     * Serialises a whole document as UTF-8 with an XML declaration and without any pretty printing
     * (whitespace is kept exactly as in the DOM, so signatures stay valid). The document is not modified.
     */
    public static byte[] serialize(Document doc) {
        boolean standalone = doc.getXmlStandalone();
        doc.setXmlStandalone(true); // no standalone="no" in the declaration
        try {
            return transform(DOC_SERIALIZERS, doc);
        } finally {
            doc.setXmlStandalone(standalone);
        }
    }

    /** Serialises one node (e.g. a payload element) as UTF-8 without an XML declaration. */
    public static byte[] serializeFragment(Node node) {
        return transform(FRAGMENT_SERIALIZERS, node);
    }

    private static byte[] transform(Reusables<Transformer> serializers, Node node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        Transformer t = serializers.take();
        try {
            t.transform(new DOMSource(node), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialise XML: " + e.getMessage(), e);
        } finally {
            serializers.giveBack(t);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
