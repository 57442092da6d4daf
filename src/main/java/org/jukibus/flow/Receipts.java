package org.jukibus.flow;

import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.node.NodeEnvelopes;
import org.jukibus.xml.SecureXml;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import org.w3c.dom.Document;

/**
 * The signed receipt a recipient sends back once a notice is in its legacy outbox
 * ({@code schemas/receipt.xsd}). Its id is derived from the notice's, so resending it after a
 * redelivery is dropped by the sender's broker as a duplicate.
 */
public final class Receipts {

    private static final XmlMapper XML = new XmlMapper();

    private final Flows flows;
    private final NodeEnvelopes envelopes;
    private final Clock clock;

    public Receipts(Flows flows, NodeEnvelopes envelopes, Clock clock) {
        this.flows = flows;
        this.envelopes = envelopes;
        this.clock = clock;
    }

    public boolean wanted(Exchange exchange) {
        return flows.byName(exchange.getProperty(Headers.FLOW, String.class)).receipt();
    }

    public void seal(Exchange exchange) throws Exception {
        EnvelopeHeader notice = exchange.getProperty(InboundDelivery.ENVELOPE_HEADER, EnvelopeHeader.class);
        Receipt receipt = new Receipt(notice.messageId(), clock.instant().toString(), envelopes.selfCode(), Receipt.DELIVERED, null);
        Document payload = SecureXml.parse(XML.writeValueAsBytes(receipt));

        String messageId = MessageIds.receiptOf(notice.messageId());
        byte[] sealed = envelopes.seal(Receipt.TYPE, notice.sender(), messageId, notice.messageId(), payload);
        Message in = exchange.getIn();
        in.setBody(sealed);
        in.setHeader(Headers.MESSAGE_ID, messageId);
        in.setHeader(Headers.TYPE, Receipt.TYPE);
        in.setHeader(Headers.RECIPIENT, notice.sender());
        in.setHeader(Headers.ADDRESS, Flows.RECEIPT.inboundAddress());
        in.setHeader(Headers.DUPLICATE_ID, messageId);
    }
}
