package org.jukibus.xml;

import java.util.Optional;

import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

/** Shape checks shared by the strict verifiers: what an element may carry beyond its namespace declarations. */
public final class XmlShapes {

    private XmlShapes() {
    }

    /** The first attribute of {@code e} that is neither a namespace declaration nor one of {@code allowed} (unqualified names). */
    public static Optional<Attr> disallowedAttribute(Element e, String... allowed) {
        NamedNodeMap attrs = e.getAttributes();
        outer:
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if ("http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                continue;
            }
            for (String name : allowed) {
                if (a.getNamespaceURI() == null && name.equals(a.getLocalName())) {
                    continue outer;
                }
            }
            return Optional.of(a);
        }
        return Optional.empty();
    }
}
