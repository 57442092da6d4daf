package org.jukibus.flow;

import java.util.Objects;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The operator of the legacy system who entered an input file (操作者): the optional {@code Operator}
 * element every legacy input schema allows last in its root ({@code schemas/legacy-input-types.xsd}).
 * The standard lets a municipality without a resident-record system enter data by hand (手入力,
 * 第6の4(2), 第6の5(2), 第6の6(1)); the operation log must then say which person caused each message.
 * The intake takes the element out of the payload before the flow's handler sees it and before it is
 * sealed: who typed it in is this node's business, not the recipient's.
 */
final class LegacyOperator {

    static final String ELEMENT = "Operator";
    /** The operation log's actor for an input entered by this operator. */
    private static final String ACTOR_PREFIX = "legacy-operator:";

    private LegacyOperator() {
    }

    /** Removes the root's {@code Operator} child from the schema-valid payload; its id, or null when there was none. */
    static String take(Document payload) {
        Element root = payload.getDocumentElement();
        for (Node child = root.getLastChild(); child != null; child = child.getPreviousSibling()) {
            if (child instanceof Element e && ELEMENT.equals(e.getLocalName())
                    && Objects.equals(root.getNamespaceURI(), e.getNamespaceURI())) {
                root.removeChild(e);
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    /** The operation log's actor: {@code legacy-operator:<id>}, or null (the node itself) when no operator was named. */
    static String actor(String operator) {
        return operator == null ? null : ACTOR_PREFIX + operator;
    }
}
