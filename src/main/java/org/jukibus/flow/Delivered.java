package org.jukibus.flow;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;

/**
 * A payload that arrived in a verified envelope for this node.
 *
 * @param flow    the flow it arrived on
 * @param header  the envelope's (signed) header: sender, message id, correlation id
 * @param payload the decrypted payload, valid against its schema
 */
public record Delivered(FlowDefinition flow, EnvelopeHeader header, byte[] payload) {

    /** The payload parsed again (the envelope code already validated it, so this does not fail). */
    public Document document() {
        try {
            return SecureXml.parse(payload);
        } catch (XmlRejectedException e) {
            throw new IllegalStateException("a delivered payload no longer parses", e);
        }
    }

    /**
     * Checks that the payload's own sender and recipient elements (the flow's
     * {@link FlowDefinition#senderElement()} and {@link FlowDefinition#recipientElement()}) name the
     * node that signed the envelope and the node it was sealed for: a signed envelope whose payload
     * speaks for another node is refused for good. Flows whose payloads name other parties (a
     * forwarded report) do not call it.
     */
    public void requireParties() throws PermanentFailure {
        requireParty(flow.senderElement(), header.sender(), "signed by");
        requireParty(flow.recipientElement(), header.recipient(), "sealed for");
    }

    private void requireParty(String element, String expected, String role) throws PermanentFailure {
        if (element == null) {
            return;
        }
        String named;
        try {
            named = Payloads.optionalText(document(), element);
        } catch (LegacyInputException e) {
            named = null;
        }
        if (!expected.equals(named)) {
            throw new PermanentFailure("PARTY_MISMATCH", "the payload's " + element + " is " + named
                    + " but the envelope " + header.messageId() + " was " + role + " " + expected);
        }
    }
}
