package org.jukibus.flow;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.xml.SecureXml;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Seals what a node sends back for a delivered message: the flow handler's answers and, where the
 * flow wants one, the signed receipt ({@code schemas/receipt.xsd}) saying the message reached its
 * destination — or hands that receipt to the next receipt batch ({@link ReceiptBatching}). Every
 * answer's id is derived from the delivered message's, so sending them again
 * after a redelivery is dropped by the other node's broker as a duplicate.
 */
public final class Answers {

    private static final XmlMapper XML = new XmlMapper();

    private final FlowHandlers handlers;
    private final NodeEnvelopes envelopes;
    private final AnswerRecorder deliveryStatus;
    private final ReceiptBatching receiptBatches;
    private final Clock clock;

    public Answers(FlowHandlers handlers, NodeEnvelopes envelopes, AnswerRecorder deliveryStatus, ReceiptBatching receiptBatches,
                   Clock clock) {
        this.handlers = handlers;
        this.envelopes = envelopes;
        this.deliveryStatus = deliveryStatus;
        this.receiptBatches = receiptBatches;
        this.clock = clock;
    }

    /** Replaces the body with the sealed answers, one JMS-ready message each (possibly none). */
    public void seal(Exchange exchange) throws Exception {
        Delivered delivered = exchange.getProperty(InboundDelivery.DELIVERED, Delivered.class);
        List<Answer> answers = new ArrayList<>(handlers.of(delivered.flow()).answers(delivered));
        if (delivered.flow().receipt()) {
            String digest = exchange.getProperty(InboundDelivery.ENVELOPE_DIGEST, String.class);
            if (!receiptBatches.batch(delivered.header(), digest)) {
                answers.add(receiptFor(delivered.header(), digest));
            }
        }
        exchange.getIn().setBody(sealAll(exchange, answers));
    }

    /**
     * Seals messages this node makes itself (answers, heartbeats, alerts) into JMS-ready Camel
     * messages for {@code jukibus.outbound}: the envelope as body, the headers the forwarder needs,
     * the message id as the broker's duplicate id. A route splits the list and sends each. Each is recorded
     * as sent ({@link AnswerRecorder#sealed}), so that its receipt or non-delivery notice finds it.
     */
    public List<Message> sealAll(Exchange exchange, List<Answer> answers) {
        List<Message> sealed = new ArrayList<>(answers.size());
        for (Answer answer : answers) {
            Message message = seal(exchange, answer);
            sealed.add(message);
            deliveryStatus.sealed(answer, message.getBody(byte[].class));
        }
        return sealed;
    }

    /** The receipt names the digest of the envelope as it arrived, so the sender can check it answers what it sent. */
    private Answer receiptFor(EnvelopeHeader notice, String envelopeDigest) throws Exception {
        Receipt receipt = new Receipt(notice.messageId(), clock.instant().toString(), envelopes.selfCode(), Receipt.DELIVERED,
                null, envelopeDigest);
        return new Answer(Flows.RECEIPT, notice.sender(), MessageIds.receiptOf(notice.sender(), notice.messageId()), notice.messageId(),
                SecureXml.parse(XML.writeValueAsBytes(receipt)));
    }

    private Message seal(Exchange exchange, Answer answer) {
        Message message = new DefaultMessage(exchange);
        message.setBody(envelopes.seal(answer.flow().messageType(), answer.recipient(), answer.messageId(),
                answer.correlationId(), answer.payload()));
        message.setHeader(Headers.MESSAGE_ID, answer.messageId());
        message.setHeader(Headers.CREATED_AT, clock.instant().toString());
        message.setHeader(Headers.TYPE, answer.flow().messageType());
        message.setHeader(Headers.RECIPIENT, answer.recipient());
        message.setHeader(Headers.ADDRESS, answer.flow().inboundAddress());
        message.setHeader(Headers.DUPLICATE_ID, answer.messageId());
        return message;
    }
}
