package org.jukibus.xml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.xml.XMLConstants;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The XML Schemas of the network, loaded from the classpath folder {@code schemas/} (the repository's
 * top-level {@code schemas/} folder), compiled once and cached. The schema factory may not fetch
 * anything from outside: includes/imports are served from {@code schemas/} on the classpath only.
 * Thread-safe.
 */
public final class Schemas {

    /** Classpath folder holding the XSDs. */
    public static final String FOLDER = "schemas/";

    private static final ConcurrentMap<String, Schema> CACHE = new ConcurrentHashMap<>();
    private static final String CURRENT_ELEMENT = "http://apache.org/xml/properties/dom/current-element-node";

    private Schemas() {
    }

    /** The compiled schema for a file in {@code schemas/}, e.g. {@code envelope.xsd}. */
    public static Schema get(String fileName) {
        return CACHE.computeIfAbsent(fileName, Schemas::compile);
    }

    private static Schema compile(String fileName) {
        checkName(fileName);
        URL url = resource(fileName);
        if (url == null) {
            throw new IllegalArgumentException("no schema " + FOLDER + fileName + " on the classpath");
        }
        SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        try {
            sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXException e) {
            throw new IllegalStateException("schema factory does not support hardening", e);
        }
        sf.setResourceResolver(CLASSPATH_ONLY);
        try (InputStream in = url.openStream()) {
            return sf.newSchema(new StreamSource(in, url.toExternalForm()));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("cannot compile schema " + fileName + ": " + e.getMessage(), e);
        }
    }

    private static void checkName(String fileName) {
        if (!fileName.matches("[A-Za-z0-9][A-Za-z0-9._-]*\\.xsd")) {
            throw new IllegalArgumentException("bad schema file name '" + fileName + "'");
        }
    }

    private static URL resource(String fileName) {
        ClassLoader cl = Schemas.class.getClassLoader();
        return cl.getResource(FOLDER + fileName);
    }

    /**
     * Validates a DOM node (a document or an element) against a schema of {@code schemas/}.
     *
     * @throws XmlRejectedException SCHEMA_INVALID, naming the element and the problem
     */
    public static void validate(String fileName, Node node) throws XmlRejectedException {
        validate(fileName, node, false);
    }

    /**
     * As {@link #validate(String, Node)}; with {@code redactValues} the offending values are cut out of
     * the message (payloads carry personal data, and rejection messages end up in dead-letter headers and logs).
     */
    public static void validate(String fileName, Node node, boolean redactValues) throws XmlRejectedException {
        Reusables<Validator> validators = VALIDATORS.computeIfAbsent(fileName,
                name -> new Reusables<>(() -> newValidator(name)));
        Validator v = validators.take();
        try {
            validate(fileName, node, redactValues, v);
        } finally {
            v.setErrorHandler(null); // holds this call's problems
            validators.giveBack(v);
        }
    }

    private static void validate(String fileName, Node node, boolean redactValues, Validator v) throws XmlRejectedException {
        List<String> problems = new ArrayList<>(1);
        v.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

            @Override
            public void error(SAXParseException e) throws SAXException {
                problems.add(describe(v, e));
                throw e;
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                problems.add(describe(v, e));
                throw e;
            }
        });
        try {
            v.validate(new DOMSource(node));
        } catch (SAXException e) {
            String detail = problems.isEmpty() ? String.valueOf(e.getMessage()) : problems.get(0);
            if (redactValues) {
                detail = redact(detail);
            }
            throw new XmlRejectedException(XmlRejectedException.Reason.SCHEMA_INVALID,
                    "not valid against " + fileName + ": " + detail, e);
        } catch (IOException e) {
            throw new XmlRejectedException(XmlRejectedException.Reason.SCHEMA_INVALID,
                    "cannot validate against " + fileName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Validators per schema, made once and reused ({@link Reusables}): making one costs more than validating a small
     * payload, and every validation starts from a clean state (the error handler is set again for each).
     */
    private static final ConcurrentMap<String, Reusables<Validator>> VALIDATORS = new ConcurrentHashMap<>();

    private static Validator newValidator(String fileName) {
        Validator v = get(fileName).newValidator();
        try {
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
        return v;
    }

    private static final java.util.regex.Pattern VALUE = java.util.regex.Pattern.compile(
            "(?i)(value\\s+)'[^']*'|(cvc-[A-Za-z0-9.\\-]+:\\s*)'[^']*'");

    /** Replaces quoted values in validator messages by {@code '…'}. */
    static String redact(String message) {
        java.util.regex.Matcher m = VALUE.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String prefix = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(prefix + "'…'"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String describe(Validator v, SAXParseException e) {
        StringBuilder sb = new StringBuilder();
        try {
            Object current = v.getProperty(CURRENT_ELEMENT);
            if (current instanceof Element el) {
                sb.append("at <").append(el.getNodeName()).append(">: ");
            }
        } catch (SAXException ignored) {
            // property not supported: no element name
        }
        if (e.getLineNumber() > 0) {
            sb.append("line ").append(e.getLineNumber()).append(':').append(e.getColumnNumber()).append(": ");
        }
        sb.append(e.getMessage());
        return sb.toString();
    }

    /** Serves includes and imports from {@code schemas/} on the classpath; refuses everything else. */
    private static final LSResourceResolver CLASSPATH_ONLY = (type, namespaceURI, publicId, systemId, baseURI) -> {
        if (systemId == null) {
            throw new IllegalArgumentException("schema reference without a location (namespace " + namespaceURI + ") refused");
        }
        String name = systemId.substring(systemId.lastIndexOf('/') + 1);
        checkName(name);
        if (!(systemId.equals(name) || systemId.endsWith("/" + FOLDER + name) || systemId.endsWith("/schemas/" + name))) {
            throw new IllegalArgumentException("schema reference '" + systemId + "' refused: only schemas/ on the classpath");
        }
        URL url = resource(name);
        if (url == null) {
            throw new IllegalArgumentException("no schema " + FOLDER + name + " on the classpath");
        }
        return new ClasspathInput(publicId, url.toExternalForm(), baseURI, url);
    };

    private record ClasspathInput(String publicId, String systemId, String baseURI, URL url) implements LSInput {
        @Override public Reader getCharacterStream() { return null; }
        @Override public void setCharacterStream(Reader r) { }
        @Override public InputStream getByteStream() {
            try {
                return url.openStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        @Override public void setByteStream(InputStream s) { }
        @Override public String getStringData() { return null; }
        @Override public void setStringData(String s) { }
        @Override public String getSystemId() { return systemId; }
        @Override public void setSystemId(String s) { }
        @Override public String getPublicId() { return publicId; }
        @Override public void setPublicId(String s) { }
        @Override public String getBaseURI() { return baseURI; }
        @Override public void setBaseURI(String s) { }
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String s) { }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean b) { }
    }
}
