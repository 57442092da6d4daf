package org.jukibus.flow;

import org.apache.camel.Exchange;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.node.NodeEnvelopes;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Turns a legacy input file into a sealed envelope for its recipient: validates it against the
 * flow's schema, checks that this node is the sender it names and that the recipient it names is
 * in the directory with the right role, then signs and encrypts it.
 */
public final class LegacyIntake {

    private final Flows flows;
    private final NodeDirectory directory;
    private final NodeEnvelopes envelopes;

    public LegacyIntake(Flows flows, NodeDirectory directory, NodeEnvelopes envelopes) {
        this.flows = flows;
        this.directory = directory;
        this.envelopes = envelopes;
    }

    public void seal(Exchange exchange) throws LegacyInputException {
        FlowDefinition flow = flows.byName(exchange.getProperty(Headers.FLOW, String.class));
        byte[] content = exchange.getIn().getBody(byte[].class);
        Document payload = envelopes.parsePayload(content, flow.messageType());

        String self = envelopes.selfCode();
        String sender = text(payload, flow.senderElement());
        if (!self.equals(sender)) {
            throw new LegacyInputException(flow.senderElement() + " is " + sender + " but this node is " + self);
        }
        String recipient = text(payload, flow.recipientElement());
        NodeEntry entry = directory.byCode(recipient).orElseThrow(() -> new LegacyInputException(
                flow.recipientElement() + " " + recipient + " is not in the node directory"));
        if (entry.role() != flow.recipientRole()) {
            throw new LegacyInputException(flow.recipientElement() + " " + recipient + " is a " + entry.role().id()
                    + " node, but a " + flow.messageType() + " goes to a " + flow.recipientRole().id() + " node");
        }
        if (recipient.equals(self)) {
            throw new LegacyInputException(flow.recipientElement() + " " + recipient + " is this node itself");
        }

        String messageId = MessageIds.forInput(self, content);
        byte[] sealed = envelopes.seal(flow.messageType(), recipient, messageId, null, payload);

        var in = exchange.getIn();
        in.setBody(sealed);
        in.setHeader(Headers.MESSAGE_ID, messageId);
        in.setHeader(Headers.TYPE, flow.messageType());
        in.setHeader(Headers.RECIPIENT, recipient);
        in.setHeader(Headers.ADDRESS, flow.inboundAddress());
        in.setHeader(Headers.DUPLICATE_ID, messageId);
    }

    static String text(Document payload, String localName) throws LegacyInputException {
        Element root = payload.getDocumentElement();
        NodeList found = root.getElementsByTagNameNS(root.getNamespaceURI(), localName);
        if (found.getLength() != 1) {
            throw new LegacyInputException("expected exactly one " + localName + " element, found " + found.getLength());
        }
        return found.item(0).getTextContent().trim();
    }
}
