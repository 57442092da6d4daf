package org.jukibus.flow;

import java.io.IOException;

import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Reading a schema-valid payload: single values by element local name in the root's namespace, or the
 * whole payload into its Jackson model.
 */
public final class Payloads {

    private static final XmlMapper XML = new XmlMapper();

    private Payloads() {
    }

    /** Text of the only element with this local name, trimmed. */
    public static String text(Document payload, String localName) throws LegacyInputException {
        String value = optionalText(payload, localName);
        if (value == null) {
            throw new LegacyInputException("expected exactly one " + localName + " element, found none");
        }
        return value;
    }

    /** Text of the element with this local name, trimmed, or null when there is none. */
    public static String optionalText(Document payload, String localName) throws LegacyInputException {
        Element root = payload.getDocumentElement();
        NodeList found = root.getElementsByTagNameNS(root.getNamespaceURI(), localName);
        if (found.getLength() > 1) {
            throw new LegacyInputException("expected one " + localName + " element, found " + found.getLength());
        }
        return found.getLength() == 0 ? null : found.item(0).getTextContent().trim();
    }

    /** A schema-valid payload read into its Jackson model (the records in the flow packages). */
    public static <T> T read(Document payload, Class<T> model) {
        return read(SecureXml.serialize(payload), model);
    }

    /** As {@link #read(Document, Class)}, from the payload's bytes. */
    public static <T> T read(byte[] payload, Class<T> model) {
        try {
            return XML.readValue(payload, model);
        } catch (IOException e) {
            // the schema and the model describe the same documents (PayloadModelsTest): this is a bug
            throw new IllegalStateException("a schema-valid payload does not fit " + model.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
