package org.jukibus.flow;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Reading single values out of a schema-valid payload, by element local name in the root's namespace. */
public final class Payloads {

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
}
