package org.jukibus.directory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Hardened DOM parsing for untrusted XML: no DTDs (a DOCTYPE is an error), no external entities, no XInclude,
 * entity references not expanded, JAXP secure processing on, a size limit. The JDK's built-in implementations
 * are used, never whatever a jar on the class path registers.
 *
 * <p>Package-private stand-in until {@code org.jukibus.xml.SecureXml} exists.
 */
final class SecureDom {

    static final String DIRECTORY_XSD = "/schemas/directory.xsd";

    private static volatile Schema directorySchema;

    private SecureDom() {
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setValidating(false);
        return f;
    }

    /** Parses {@code xml}; rejects input over {@code maxBytes} and any DOCTYPE. */
    static Document parse(byte[] xml, long maxBytes) throws DirectoryRejectedException {
        if (xml.length > maxBytes) {
            throw new DirectoryRejectedException("directory rejected: " + xml.length + " bytes is over the limit of " + maxBytes);
        }
        try {
            DocumentBuilder b = factory().newDocumentBuilder();
            b.setErrorHandler(THROWING);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity '" + systemId + "' not allowed");
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains("DOCTYPE")) {
                throw new DirectoryRejectedException("directory rejected: a DOCTYPE (DTD) is not allowed", e);
            }
            throw new DirectoryRejectedException("directory rejected: not well-formed XML (line " + e.getLineNumber()
                    + "): " + msg, e);
        } catch (SAXException | IOException e) {
            throw new DirectoryRejectedException("directory rejected: cannot parse XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser does not support hardening", e);
        }
    }

    /** A new empty namespace-aware document. */
    static Document newDocument() {
        try {
            return factory().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates against schemas/directory.xsd. */
    static void validateDirectory(Document doc) throws DirectoryRejectedException {
        try {
            Validator v = directorySchema().newValidator();
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            v.setErrorHandler(THROWING);
            v.validate(new DOMSource(doc));
        } catch (SAXException e) {
            throw new DirectoryRejectedException("directory rejected: not valid against directory.xsd: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DirectoryRejectedException("directory rejected: " + e.getMessage(), e);
        }
    }

    private static Schema directorySchema() {
        Schema s = directorySchema;
        if (s == null) {
            URL url = SecureDom.class.getResource(DIRECTORY_XSD);
            if (url == null) {
                throw new IllegalStateException(DIRECTORY_XSD + " is not on the class path");
            }
            try (InputStream in = url.openStream()) {
                SchemaFactory sf = SchemaFactory.newDefaultInstance();
                sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                s = sf.newSchema(new StreamSource(in, url.toString()));
                directorySchema = s;
            } catch (IOException | SAXException e) {
                throw new IllegalStateException("cannot load " + DIRECTORY_XSD + ": " + e.getMessage(), e);
            }
        }
        return s;
    }

    /** Serializes exactly as the DOM is (no re-indentation), UTF-8 with an XML declaration. */
    static byte[] serialize(Document doc) {
        try {
            TransformerFactory tf = TransformerFactory.newDefaultInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            t.setOutputProperty(OutputKeys.STANDALONE, "yes");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize XML: " + e.getMessage(), e);
        }
    }

    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
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
}
