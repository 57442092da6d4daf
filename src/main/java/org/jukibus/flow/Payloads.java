package org.jukibus.flow;

import java.io.IOException;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.dom.DOMSource;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;

/**
 * Reading single values out of a schema-valid payload, by element local name in the root's
 * namespace; reading a whole payload into its Jackson model and writing a model back as a payload.
 */
public final class Payloads {

    private static final XmlMapper XML = new XmlMapper();

    private Payloads() {
    }

    /** Text of the only element with this local name, trimmed. */
    public static String text(Document payload, String localName) throws LegacyInputException {
        String value = optionalText(payload, localName);
        if (value == null) {
            throw new LegacyInputException(ErrorCode.SCHEMA, "expected exactly one " + localName + " element, found none");
        }
        return value;
    }

    /** Text of the element with this local name, trimmed, or null when there is none. */
    public static String optionalText(Document payload, String localName) throws LegacyInputException {
        Element root = payload.getDocumentElement();
        NodeList found = root.getElementsByTagNameNS(root.getNamespaceURI(), localName);
        if (found.getLength() > 1) {
            throw new LegacyInputException(ErrorCode.SCHEMA, "expected one " + localName + " element, found " + found.getLength());
        }
        return found.getLength() == 0 ? null : found.item(0).getTextContent().trim();
    }

    /** A schema-valid payload read into its Jackson XML model (e.g. a record like {@code TransferInNotice}). */
    public static <T> T read(Document payload, Class<T> model) throws LegacyInputException {
        try {
            XMLStreamReader reader = XML.getFactory().getXMLInputFactory().createXMLStreamReader(new DOMSource(payload));
            return XML.readValue(reader, model);
        } catch (XMLStreamException | IOException e) {
            throw new LegacyInputException(ErrorCode.SCHEMA, "cannot read a " + model.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** A payload read into its Jackson XML model from its bytes (a delivered payload). */
    public static <T> T read(byte[] payload, Class<T> model) throws IOException {
        return XML.readValue(payload, model);
    }

    /** A Jackson XML model written as a payload document (for an {@link Answer}). */
    public static Document document(Object model) throws IOException {
        try {
            return SecureXml.parse(bytes(model));
        } catch (XmlRejectedException e) {
            throw new IOException("the " + model.getClass().getSimpleName() + " model wrote unparsable XML", e);
        }
    }

    /** A Jackson XML model written as indented UTF-8 XML with a declaration (readable as a legacy outbox file). */
    public static byte[] bytes(Object model) throws IOException {
        return XML.writer().with(ToXmlGenerator.Feature.WRITE_XML_DECLARATION).with(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(model);
    }
}
