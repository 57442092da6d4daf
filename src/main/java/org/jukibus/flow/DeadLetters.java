package org.jukibus.flow;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels a message that failed for good before it goes to the node's dead-letter queue
 * ({@code jukibus.dlq}): the reason and its detail travel as headers, the body is the message
 * exactly as it arrived, so it can be inspected and replayed after a fix. A message refused for a
 * security reason — any envelope rejection (bad signature, replay, unknown sender, ...) or a sender
 * mismatch — is also an intrusion sign (第4の9(3)) and counted in {@link SecurityEvents}; business
 * refusals and exhausted retries are not. An envelope refused with no verified header this node attributes to a signer
 * (junk, a bad signature, an unknown sender, a replay, another node's envelope) is marked unopened and kept only up to
 * its producer's bound ({@link UnopenedDeadLetters}).
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final Clock clock;
    private final FlowMetrics metrics;
    private final OperationLog audit;
    private final SecurityEvents securityEvents;
    private final UnopenedDeadLetters unopened;

    /** Unopened letters unbounded: for tests of the labels only. */
    public DeadLetters(Clock clock, FlowMetrics metrics, OperationLog audit, SecurityEvents securityEvents) {
        this(clock, metrics, audit, securityEvents, new UnopenedDeadLetters(
                new UnopenedDeadLetters.Bound(Integer.MAX_VALUE, Long.MAX_VALUE, java.time.Duration.ofDays(1)), clock, metrics));
    }

    public DeadLetters(Clock clock, FlowMetrics metrics, OperationLog audit, SecurityEvents securityEvents,
                       UnopenedDeadLetters unopened) {
        this.clock = clock;
        this.metrics = metrics;
        this.audit = audit;
        this.securityEvents = securityEvents;
        this.unopened = unopened;
    }

    public void label(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = DeliveryFailures.reason(cause);
        String detail = cause == null ? "" : cause.getMessage();
        var in = exchange.getIn();
        // a copy this node put back after a clock-ahead hold is charged to the signer it was held for (its stamp, trusted
        // only on a message this node produced): else a peer could pass signed junk dated just ahead through the hold,
        // and the copy's refusal would land on this node's own, unbounded account (analysis-merge11 H1). Read before
        // identifyInbound drops the Jukibus* properties.
        String heldFor = NodeSecurityManager.LOCAL_USER.equals(in.getHeader(Headers.VALIDATED_USER, String.class))
                ? in.getHeader(ClockAheadRelease.HELD_FOR, String.class) : null;
        if (exchange.getProperty(Headers.FLOW) != null) {
            identifyInbound(exchange, cause);
        }
        String flow = flowOf(exchange);
        in.setHeader(Headers.FLOW, flow);
        // who put it here, kept for a later look at what its sender is owed (flow.nondelivery.UnmarkedDeadLetters)
        in.setHeader(Headers.PRODUCER, InboundDelivery.producer(exchange));
        in.setHeader(Headers.REJECT_REASON, reason);
        in.setHeader(Headers.REJECT_DETAIL, detail);
        Instant rejectedAt = clock.instant();
        in.setHeader(Headers.REJECTED_AT, rejectedAt.toString());
        in.setHeader(Headers.REJECTED_AT_MILLIS, rejectedAt.toEpochMilli());
        if (in.getHeader("JMSDestination") instanceof jakarta.jms.Queue queue) {
            try {
                in.setHeader(Headers.DEAD_LETTERED_FROM, queue.getQueueName()); // where `jukibus dlq replay` puts it back
            } catch (jakarta.jms.JMSException e) {
                log.debug("no queue name on dead letter: {}", e.getMessage());
            }
        }
        metrics.failed(flow, reason);
        // who the broker authenticated: the envelope's sender is unverified, or the very thing that was wrong; the
        // broker's word, not the put-back copy's signer (InboundDelivery.producer): a copy this node put back late (a
        // REPLAY of one delivered meanwhile) must not count against an honest peer
        String producer = in.getHeader(Headers.VALIDATED_USER, String.class);
        UnopenedDeadLetters.Verdict verdict = UnopenedDeadLetters.Verdict.KEEP;
        byte[] body = null;
        if (cause instanceof EnvelopeRejectedException
                || (cause instanceof PermanentFailure && InboundDelivery.SENDER_MISMATCH.equals(reason))) {
            securityEvents.messageRefused(producer == null ? "an unknown producer" : producer, reason);
            // a security refusal: bounded per producer, signed or not (a signed one expired or ahead costs as much disk)
            boolean opened = verified(exchange, cause) != null;
            if (!opened) {
                in.setHeader(Headers.UNOPENED, true);
            }
            body = in.getBody(byte[].class);
            verdict = unopened.verdict(heldFor != null ? heldFor : producer, body == null ? 0 : body.length, reason, opened);
            if (verdict == UnopenedDeadLetters.Verdict.DROP) {
                // counted, not kept (the route's filter skips jukibus.dlq): no operation log line either, whose chain
                // a flood would grow for as long; past the count only, which an honest peer's burst does not reach
                exchange.setProperty(Headers.DEAD_LETTER_KEPT, false);
                log.debug("not kept: {} message {} from {}: {}", flow, in.getHeader("JMSMessageID"), producer, detail);
                return;
            }
        }
        record(exchange, flow, reason);
        if (verdict == UnopenedDeadLetters.Verdict.RECORD) {
            // past the producer's bytes: its headers, reason, SHA-256 and size are kept (jukibus dlq list names it, its
            // signer is told as for any other), not its body; a replay of it fails again, so say why on it
            in.setHeader(Headers.NOT_KEPT_SHA256, org.jukibus.audit.Sha256.hex(body == null ? new byte[0] : body));
            in.setHeader(Headers.NOT_KEPT_BYTES, body == null ? 0L : (long) body.length);
            in.setBody(new byte[0]);
        }
        // a crash after this send but before the consume commits must not dead-letter it twice
        in.setHeader(Headers.DUPLICATE_ID, "dlq:" + in.getHeader("JMSMessageID", String.class));
        log.warn("dead-lettered {} message {}: {}", in.getHeader(Headers.FLOW), in.getHeader("JMSMessageID"), detail);
    }

    /**
     * The dead letter's operation log line. A log that cannot be written (its disk full: it stays stopped until the
     * node restarts, HashChainLog) must not keep the message out of the dead-letter queue: the dead-letter branch
     * would fail with it and the message go round until the broker's last resort, without its reason. The missing
     * line is told instead: an ERROR naming the message and the reason, a header on the dead letter, and the log's
     * health DOWN (OperationLogHealth).
     */
    private void record(Exchange exchange, String flow, String reason) {
        var in = exchange.getIn();
        String messageId = in.getHeader(Headers.MESSAGE_ID, String.class);
        String deadLetter = in.getHeader("JMSMessageID", String.class);
        try {
            // the reason only, never the detail: the ids below are the verified envelope's, or none
            audit.record(AuditEvent.of(AuditKind.MESSAGE_DEAD_LETTERED).flow(flow)
                    .message(messageId, in.getHeader(Headers.TYPE, String.class))
                    .recipient(in.getHeader(Headers.RECIPIENT, String.class)).digestOf(in.getBody(byte[].class))
                    .detail("reason " + reason + ", dead letter " + deadLetter));
        } catch (RuntimeException e) {
            in.setHeader(Headers.OPERATION_LOG_MISSING, e.getMessage());
            log.error("operation log line missing: {} message {} (dead letter {}) is dead-lettered with reason {}, but the"
                    + " operation log cannot be written: {}", flow, messageId, deadLetter, reason, e.getMessage());
        }
    }

    /**
     * A dead letter of a delivery route arrived as its producer made it (the original message): its Jukibus
     * headers are the peer's, who may name another peer's message id, sender or recipient, and the operation
     * log, {@code jukibus dlq list} and a replay would show them as this dead letter's. They are dropped; the
     * ids are set again from the envelope's header where its signature verified, else left out.
     */
    private static void identifyInbound(Exchange exchange, Exception cause) {
        var in = exchange.getIn();
        // the replay chain and what its sender was told, if this node itself put the message here (a replay): a peer's
        // own would be a lie
        boolean replay = NodeSecurityManager.LOCAL_USER.equals(InboundDelivery.producer(exchange));
        Map<String, Object> kept = new HashMap<>();
        if (replay) {
            for (String name : List.of(Headers.REPLAY_OF, Headers.SENDER_NOTICE, Headers.SENDER_TOLD_AT)) {
                if (in.getHeader(name) != null) {
                    kept.put(name, in.getHeader(name));
                }
            }
            if ("OWED".equals(in.getHeader(Headers.SENDER_NOTICE))) { // NonDeliveryNotices.OWED
                // whom the notice is owed to, about which message: set by this node from the verified envelope when it
                // was first dead-lettered (OWED needs that). A replay refused before verification (the sender's
                // certificate renewed meanwhile) would otherwise stay owed with nobody to tell, and a purge would
                // end it silently
                for (String name : List.of(Headers.SENDER, Headers.MESSAGE_ID, Headers.CREATED_AT,
                        Headers.CREATED_AT_MILLIS, Headers.TYPE, Headers.RECIPIENT)) {
                    if (in.getHeader(name) != null) {
                        kept.put(name, in.getHeader(name));
                    }
                }
            }
        }
        in.removeHeaders("Jukibus*");
        kept.forEach(in::setHeader);
        EnvelopeHeader verified = verified(exchange, cause);
        if (verified != null) {
            in.setHeader(Headers.MESSAGE_ID, verified.messageId());
            in.setHeader(Headers.TYPE, verified.type());
            in.setHeader(Headers.SENDER, verified.sender());
            in.setHeader(Headers.RECIPIENT, verified.recipient());
            in.setHeader(Headers.CREATED_AT, verified.createdAt().toString());
            in.setHeader(Headers.CREATED_AT_MILLIS, verified.createdAt().toEpochMilli());
        }
    }

    /** The envelope's header if its signature verified and it was attributed to its signer, else null. */
    private static EnvelopeHeader verified(Exchange exchange, Exception cause) {
        Delivered delivered = exchange.getProperty(InboundDelivery.DELIVERED, Delivered.class);
        return delivered != null ? delivered.header()
                : cause instanceof EnvelopeRejectedException rejected ? rejected.signedHeader() : null;
    }

    /** The flow: named inside a delivery route; on the outbound queue, the flow of the address it was sealed for. */
    private static String flowOf(Exchange exchange) {
        String flow = exchange.getProperty(Headers.FLOW, String.class);
        if (flow == null) {
            flow = FlowDefinition.flowOfAddress(exchange.getIn().getHeader(Headers.ADDRESS, String.class));
        }
        return flow;
    }
}
