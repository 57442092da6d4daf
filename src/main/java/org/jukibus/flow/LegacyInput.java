package org.jukibus.flow;

import org.w3c.dom.Document;

/**
 * A legacy input file that passed its schema.
 *
 * @param flow      the flow it was dropped for
 * @param fileName  its name in the drop folder
 * @param payload   the parsed, schema-valid document
 * @param messageId the id its envelope gets (derived from the content; null for local flows)
 * @param recipient the node it is for (null for local flows)
 */
public record LegacyInput(FlowDefinition flow, String fileName, Document payload, String messageId, String recipient) {

    /** Text of the payload's only element with this local name, trimmed. */
    public String text(String localName) throws LegacyInputException {
        return Payloads.text(payload, localName);
    }

    /** Text of the payload's element with this local name, or null when it is absent. */
    public String optionalText(String localName) throws LegacyInputException {
        return Payloads.optionalText(payload, localName);
    }
}
