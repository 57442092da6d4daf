package org.jukibus.flow;

import java.time.Clock;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.node.NodeEnvelopes;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The signed receipt a recipient sends back once a notice is in its legacy outbox
 * ({@code schemas/receipt.xsd}). Its id is derived from the notice's, so resending it after a
 * redelivery is dropped by the sender's broker as a duplicate.
 */
public final class Receipts {

    public static final String NS = "urn:jukibus:receipt:1";

    private final Flows flows;
    private final NodeEnvelopes envelopes;
    private final Clock clock;
    private final DocumentBuilderFactory factory;

    public Receipts(Flows flows, NodeEnvelopes envelopes, Clock clock) throws ParserConfigurationException {
        this.flows = flows;
        this.envelopes = envelopes;
        this.clock = clock;
        this.factory = DocumentBuilderFactory.newInstance();
        this.factory.setNamespaceAware(true);
        this.factory.newDocumentBuilder(); // fail at start-up, not per message
    }

    public boolean wanted(Exchange exchange) {
        return flows.byName(exchange.getProperty(Headers.FLOW, String.class)).receipt();
    }

    public void seal(Exchange exchange) throws Exception {
        EnvelopeHeader notice = exchange.getProperty(InboundDelivery.ENVELOPE_HEADER, EnvelopeHeader.class);
        Document receipt = factory.newDocumentBuilder().newDocument();
        Element root = receipt.createElementNS(NS, "Receipt");
        receipt.appendChild(root);
        append(receipt, root, "ReceivedMessageId", notice.messageId());
        append(receipt, root, "ReceivedAt", clock.instant().toString());
        append(receipt, root, "Recipient", envelopes.selfCode());
        append(receipt, root, "Status", "DELIVERED");

        String messageId = MessageIds.receiptOf(notice.messageId());
        byte[] sealed = envelopes.seal(Flows.RECEIPT.messageType(), notice.sender(), messageId, notice.messageId(), receipt);
        Message in = exchange.getIn();
        in.setBody(sealed);
        in.setHeader(Headers.MESSAGE_ID, messageId);
        in.setHeader(Headers.TYPE, Flows.RECEIPT.messageType());
        in.setHeader(Headers.RECIPIENT, notice.sender());
        in.setHeader(Headers.ADDRESS, Flows.RECEIPT.inboundAddress());
        in.setHeader(Headers.DUPLICATE_ID, messageId);
    }

    private static void append(Document doc, Element parent, String name, String value) {
        Element e = doc.createElementNS(NS, name);
        e.setTextContent(value);
        parent.appendChild(e);
    }
}
