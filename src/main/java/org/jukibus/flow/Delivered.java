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
 * @param opened  the payload as the envelope opener parsed (and validated) it, read by {@link #requireSound} instead of
 *                parsing it once more; null when there is none (it is then parsed)
 */
public record Delivered(FlowDefinition flow, EnvelopeHeader header, byte[] payload, Document opened) {

    public Delivered(FlowDefinition flow, EnvelopeHeader header, byte[] payload) {
        this(flow, header, payload, null);
    }

    /** Dead-letter reason: the payload names a sender or recipient other than the envelope's. */
    public static final String PARTY_MISMATCH = "PARTY_MISMATCH";

    /**
     * The payload parsed again, a document of the caller's own to read or change (the envelope code already validated
     * it, so this does not fail).
     */
    public Document document() {
        try {
            return SecureXml.parse(payload);
        } catch (XmlRejectedException e) {
            throw new IllegalStateException("a delivered payload no longer parses", e);
        }
    }

    /** The payload as the envelope opener parsed and validated it (parsed here when there is none): read only, shared. */
    public Document parsed() {
        return opened != null ? opened : document();
    }

    /**
     * The checks every flow's payload gets at the recipient before any handler sees it (run by
     * {@link InboundDelivery#open}, so no flow can forget them): its parties are the envelope's
     * ({@value #PARTY_MISMATCH}) and every resident code has a right check
     * digit ({@link ResidentCode}, {@value ResidentCode#INVALID}). Refusals are for good.
     */
    public void requireSound() throws PermanentFailure {
        Document document = parsed();
        requireParties(document);
        var wrong = ResidentCode.firstWrong(document);
        if (wrong.isPresent()) {
            throw new PermanentFailure(ResidentCode.INVALID, "message " + header.messageId() + " from "
                    + header.sender() + ": " + wrong.get().describeWithoutValue());
        }
    }

    /**
     * The payload's own sender and recipient elements (the flow's {@link FlowDefinition#senderElement()}
     * and {@link FlowDefinition#recipientElement()}) must name the node that signed the envelope and
     * the node it was sealed for: a signed envelope whose payload speaks for another node is refused
     * for good. A flow whose payload names a party that is neither (the subject of an alert) declares
     * no such element.
     */
    private void requireParties(Document document) throws PermanentFailure {
        requireParty(document, flow.senderElement(), header.sender(), "signed by");
        requireParty(document, flow.recipientElement(), header.recipient(), "sealed for");
    }

    private void requireParty(Document document, String element, String expected, String role) throws PermanentFailure {
        if (element == null) {
            return;
        }
        String named;
        try {
            named = Payloads.optionalText(document, element);
        } catch (LegacyInputException e) {
            named = null;
        }
        if (!expected.equals(named)) {
            throw new PermanentFailure(PARTY_MISMATCH, "the payload's " + element + " is " + named
                    + " but the envelope " + header.messageId() + " was " + role + " " + expected);
        }
    }
}
