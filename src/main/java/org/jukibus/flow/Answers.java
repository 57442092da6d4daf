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

    /**
     * Keeps an answer to a delivered message that cannot be sealed (its recipient not in the directory, or revoked)
     * instead of failing the delivery: see {@link #seal}. Null (tests): such an answer fails the delivery.
     */
    private SentPayloads unsealable;

    /** Answers of delivered messages whose recipient cannot be sealed to are kept in {@code payloads} (see {@link #seal}). */
    public Answers holdingUnsealable(SentPayloads payloads) {
        this.unsealable = payloads;
        return this;
    }

    /**
     * Replaces the body with the sealed answers, one JMS-ready message each (possibly none). An answer to a recipient
     * this node cannot seal to (a handler's answer to a third node, such as the transfer-out confirmation to a prefecture
     * the directory does not list: a directory error) does not fail the delivery of what was received, nor is it lost:
     * it goes to the outbound queue as it is, without an envelope and marked {@link Headers#NOT_SEALED}, its payload kept
     * ({@link SentPayloads}), and the forwarder dead-letters it with that reason as it does a message whose recipient left
     * the directory: the legacy system gets its NonDelivery file, and {@code jukibus dlq resend} seals it once the
     * directory lists the recipient.
     */
    public void seal(Exchange exchange) throws Exception {
        Delivered delivered = exchange.getProperty(InboundDelivery.DELIVERED, Delivered.class);
        List<Answer> answers = new ArrayList<>(handlers.of(delivered.flow()).answers(delivered));
        if (delivered.flow().receipt()) {
            String digest = exchange.getProperty(InboundDelivery.ENVELOPE_DIGEST, String.class);
            if (!receiptBatches.batch(delivered.header(), digest)) {
                answers.add(receiptFor(delivered.header(), digest));
            }
        }
        List<Answer> sealable = new ArrayList<>(answers.size());
        List<Message> held = new ArrayList<>();
        for (Answer answer : answers) {
            String refusal = unsealable == null ? null : refusal(answer.recipient());
            if (refusal == null) {
                sealable.add(answer);
            } else {
                held.add(held(exchange, answer, refusal));
            }
        }
        List<Message> out = new ArrayList<>(sealAll(exchange, sealable));
        out.addAll(held);
        exchange.getIn().setBody(out);
    }

    /** Why nothing can be sealed to {@code recipient} (a dead-letter reason), or null when it can. */
    private String refusal(String recipient) {
        if (envelopes.canSealTo(recipient)) {
            return null;
        }
        return envelopes.recipientRevoked(recipient) ? PeerForwarder.RECIPIENT_REVOKED : PeerForwarder.UNKNOWN_RECIPIENT;
    }

    /** The answer without an envelope, for the forwarder to dead-letter with {@code reason}; its payload kept for a resend. */
    private Message held(Exchange exchange, Answer answer, String reason) {
        java.time.Instant now = clock.instant();
        unsealable.keep(answer.messageId(), answer.recipient(), answer.correlationId(), answer.payload(), now);
        deliveryStatus.sealed(answer, null);
        Message message = new DefaultMessage(exchange);
        message.setBody(new byte[0]);
        message.setHeader(Headers.MESSAGE_ID, answer.messageId());
        message.setHeader(Headers.CREATED_AT, now.toString());
        message.setHeader(Headers.TYPE, answer.flow().messageType());
        message.setHeader(Headers.RECIPIENT, answer.recipient());
        message.setHeader(Headers.ADDRESS, answer.flow().inboundAddress());
        message.setHeader(Headers.DUPLICATE_ID, answer.messageId());
        message.setHeader(Headers.NOT_SEALED, reason);
        return message;
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
