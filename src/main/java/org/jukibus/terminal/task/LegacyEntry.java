package org.jukibus.terminal.task;

import java.io.IOException;
import java.util.List;

import org.jukibus.flow.Payloads;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What a terminal form becomes: the legacy input document its drop folder would take (the flow's payload model,
 * {@code schemas/<flow>.xsd}), the route it goes through, and the form fields it was made of (to put an error back
 * beside the field it is about).
 *
 * @param flow   the flow, as in {@code legacy/inbox/<flow>/}
 * @param route  the shared intake route the flow's drop folder uses
 * @param model  the payload's Jackson XML model (e.g. a {@code CertificateCopyRequest})
 * @param fields the form's fields in document order
 */
public record LegacyEntry(String flow, EntryRoute route, Object model, List<EntryField> fields) {

    private static final String OPERATOR = "Operator";

    public LegacyEntry {
        fields = List.copyOf(fields);
    }

    /**
     * The input document as a legacy system would drop it, with the operator who entered it in its optional
     * {@code Operator} element (操作者, last in the root: {@code schemas/legacy-input-types.xsd}); the intake takes it
     * out for the operation log before anything is sealed.
     */
    public byte[] document(String operatorId) throws IOException {
        Document doc = Payloads.document(model);
        Element root = doc.getDocumentElement();
        Element operator = doc.createElementNS(root.getNamespaceURI(),
                root.getPrefix() == null ? OPERATOR : root.getPrefix() + ":" + OPERATOR);
        operator.setTextContent(operatorId);
        root.appendChild(operator);
        return SecureXml.serialize(doc);
    }
}
