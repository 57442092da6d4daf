package org.jukibus.flow.nondelivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Answer;
import org.jukibus.flow.AnswerRecorder;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.flow.Flows;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.SendingStatus;
import org.jukibus.audit.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link SentMessages} up to date from the shared pipelines: what this node sends (from a legacy
 * file, opened before the send: {@link org.jukibus.flow.LegacyIntake}; made by the node itself: {@link org.jukibus.flow.Answers}),
 * and the receipts and answers that came back for it.
 */
public final class DeliveryStatus implements AnswerRecorder, SendingStatus {

    /** The reason of a status closed because its message's send failed (its input refused, the operator told there). */
    static final String NOT_SENT = "NOT_SENT";

    private static final Logger log = LoggerFactory.getLogger(DeliveryStatus.class);

    private final SentMessages sent;
    private final Flows flows;
    private final Clock clock;

    public DeliveryStatus(SentMessages sent, Flows flows, Clock clock) {
        this.sent = sent;
        this.flows = flows;
        this.clock = clock;
    }

    /** A legacy input's message, before its send, in the transaction that keeps its payload (flow.LegacyIntake). */
    @Override
    public void open(Connection c, String messageId, FlowDefinition flow, String recipient, String envelopeSha256, Instant at)
            throws SQLException {
        if (NonDeliveryFlow.tracked(flow.name())) {
            SentMessages.record(c, messageId, flow.name(), recipient, at, NonDeliveryFlow.awaitsAnswer(flow), envelopeSha256);
        }
    }

    @Override
    public void notSent(String messageId, String recipient, String reason) {
        // the column holds 64 characters: the full reason is in the input's .error report and the log line below
        String stored = NOT_SENT + ": " + reason;
        if (sent.close(messageId, recipient, SentMessages.State.NOT_DELIVERED, null,
                stored.length() > 64 ? stored.substring(0, 63) + "…" : stored, clock.instant())) {
            log.info("message {} to {} was not sent ({}): its status closed as not delivered", messageId, recipient, reason);
        }
    }

    /** A message this node made itself (an answer, a forwarded update, a batch), as it is sealed into {@code envelope}. */
    @Override
    public void sealed(Answer answer, byte[] envelope) {
        record(answer.messageId(), answer.flow(), answer.recipient(), envelope);
    }

    private void record(String messageId, FlowDefinition flow, String recipient, byte[] envelope) {
        if (NonDeliveryFlow.tracked(flow.name())) {
            sent.record(messageId, flow.name(), recipient, clock.instant(), NonDeliveryFlow.awaitsAnswer(flow),
                    envelope == null ? null : Sha256.hex(envelope));
        }
    }

    /**
     * After a message was delivered here: if it answers one this node sent to its sender (a receipt, a reply,
     * a count list: correlation id = the sent message's id), that one is delivered. A correlation id naming
     * a message sent to another node changes nothing.
     */
    public void acknowledged(Exchange exchange) {
        Delivered delivered = exchange.getProperty(org.jukibus.flow.InboundDelivery.DELIVERED, Delivered.class);
        EnvelopeHeader header = delivered.header();
        if (header.correlationId() == null || NonDeliveryFlow.FLOW.name().equals(delivered.flow().name())) {
            return; // a notice closes its message in NoticeHandler, as NOT_DELIVERED
        }
        if (Flows.RECEIPT.name().equals(delivered.flow().name()) && !answersWhatWasSent(delivered)) {
            return; // stays open: the overdue report tells the operator
        }
        if (sent.delivered(header.correlationId(), header.sender(), header.messageId(), clock.instant())) {
            log.debug("message {} acknowledged by {} ({})", header.correlationId(), header.sender(), delivered.flow().name());
        }
    }

    /**
     * A receipt naming the digest of an envelope (schemas/receipt.xsd EnvelopeDigest) must name one this node
     * sealed for its signer under that id ({@link SentMessages#sealedAs}): otherwise its recipient received something
     * else under that id, and the receipt proves nothing about what was sent. A receipt without a digest (an older
     * node) is taken as before.
     */
    private boolean answersWhatWasSent(Delivered receipt) {
        EnvelopeHeader header = receipt.header();
        String named;
        try {
            named = Payloads.optionalText(receipt.document(), "EnvelopeDigest");
        } catch (LegacyInputException e) {
            named = null;
        }
        if (named == null) {
            return true;
        }
        if (!sent.sealedAs(header.correlationId(), header.sender(), named)) {
            log.error("receipt {} from {} names envelope digest {} for message {}, but this node sent {}: not taken as its delivery",
                    header.messageId(), header.sender(), named, header.correlationId(),
                    sent.envelopeDigest(header.correlationId(), header.sender()).orElse(null));
            return false;
        }
        return true;
    }
}
