package org.jukibus.xml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;

import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Makes a DOM built in memory carry its namespace declarations the way a parser would give them, so that
 * what is canonicalised and signed in memory is what the receiver canonicalises after parsing the
 * serialised bytes: an {@code xmlns}/{@code xmlns:p} attribute made without the XMLNS namespace (DOM level 1
 * style, as Santuario writes some) becomes a real declaration, and a prefix an element or attribute uses
 * without a declaration in scope gets one on that element. Exclusive c14n renders a declaration only where a
 * prefix is visibly used and not yet rendered, so redundant declarations make no difference.
 * Used by the envelope sealer instead of a serialise/parse round trip. Not thread-safe on the same document.
 */
public final class NamespaceDeclarations {

    private NamespaceDeclarations() {
    }

    /** Fixes the declarations of {@code root} and everything below it, in place. */
    public static void declare(Element root) {
        declare(root, Map.of());
    }

    private static void declare(Element element, Map<String, String> outer) {
        Map<String, String> scope = new HashMap<>(outer);
        for (Attr plain : plainDeclarations(element)) {
            element.removeAttributeNode(plain);
            element.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, plain.getName(), plain.getValue());
        }
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                scope.put(XMLConstants.XMLNS_ATTRIBUTE.equals(a.getName()) ? "" : a.getLocalName(), a.getValue());
            }
        }
        require(element, element.getPrefix(), element.getNamespaceURI(), scope);
        List<Attr> prefixed = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (a.getPrefix() != null && !XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                prefixed.add(a);
            }
        }
        for (Attr a : prefixed) {
            require(element, a.getPrefix(), a.getNamespaceURI(), scope);
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                declare((Element) child, scope);
            }
        }
    }

    /** Declares {@code prefix} as {@code namespace} on {@code element} unless that binding is already in scope. */
    private static void require(Element element, String prefix, String namespace, Map<String, String> scope) {
        String p = prefix == null ? "" : prefix;
        String ns = namespace == null ? "" : namespace;
        if (XMLConstants.XML_NS_PREFIX.equals(p) || ns.equals(scope.getOrDefault(p, ""))) {
            return;
        }
        element.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI,
                p.isEmpty() ? XMLConstants.XMLNS_ATTRIBUTE : XMLConstants.XMLNS_ATTRIBUTE + ":" + p, ns);
        scope.put(p, ns);
    }

    private static List<Attr> plainDeclarations(Element element) {
        List<Attr> found = new ArrayList<>(1);
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            String name = a.getName();
            if (a.getNamespaceURI() == null
                    && (XMLConstants.XMLNS_ATTRIBUTE.equals(name) || name.startsWith(XMLConstants.XMLNS_ATTRIBUTE + ":"))) {
                found.add(a);
            }
        }
        return found;
    }
}
