package org.jukibus.flow;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.audit.Sha256;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.evidence.EvidenceStore;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.OpenedEnvelope;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.envelope.NodeEnvelopes;

/**
 * Opens an envelope that a peer put on this node's broker and decides whether it may be
 * delivered: verified and decrypted (see the envelope package), of the type this flow carries,
 * put there by the node that signed it, naming in its payload that node and this one as its
 * parties and no resident code with a wrong check digit ({@link Delivered#requireSound}), and not a replay.
 */
public final class InboundDelivery {

    /** Exchange property holding the {@link Delivered} message for the later steps. */
    public static final String DELIVERED = "JukibusDelivered";
    /** Exchange property holding the SHA-256 of the envelope as it arrived, for the operation log. */
    public static final String ENVELOPE_DIGEST = "JukibusEnvelopeDigest";
    /**
     * Exchange property: who put the envelope here, when that is not the producer the broker names ({@link #producer}):
     * the signer of a copy this node put back after holding it ({@link ClockAheadHold}). A property, not the header:
     * the dead-letter channel goes back to the original message, headers and all.
     */
    public static final String PRODUCER = "JukibusProducer";
    /** Exchange property: the envelope was held as made ahead of this node's clock ({@link ClockAheadHold}); nothing else is done with it. */
    public static final String HELD = "JukibusHeldFromTheFuture";
    /**
     * Exchange property: a copy put back after a clock-ahead hold was refused before any header verified (its signer's
     * trust changed during the hold), and the hold row's header, verified when it was held, taken instead
     * ({@link #refusedAfterItsHold}): its refusal, told, is final (NonDeliveryNotices).
     */
    public static final String VERIFIED_WHEN_HELD = "JukibusVerifiedWhenHeld";
    /** Exchange property holding the envelope as it arrived, kept as evidence once delivered. */
    public static final String ENVELOPE = "JukibusEnvelope";
    /** Dead-letter reason: the envelope's signer is not who the broker authenticated as its producer. */
    public static final String SENDER_MISMATCH = "SENDER_MISMATCH";
    /**
     * Dead-letter reason: the broker named no authenticated producer ({@code JMSXUserID}), so nothing says who put the
     * message here; refused, never taken as a pass of the producer check (issue 14 B).
     */
    public static final String PRODUCER_UNKNOWN = "PRODUCER_UNKNOWN";
    /** Dead-letter reason: another copy of the same envelope was being delivered at every attempt (issue 14 F). */
    public static final String IN_FLIGHT = "IN_FLIGHT";
    /** Transient failure: the envelope could not be kept as evidence (its disk full or unwritable); the delivery waits. */
    public static final String EVIDENCE_UNWRITABLE = "EVIDENCE_UNWRITABLE";

    private final Flows flows;
    private final FlowHandlers handlers;
    private final LegacyOutbox outbox;
    private final NodeEnvelopes envelopes;
    private final SeenMessages seen;
    private final FlowMetrics metrics;
    private final OperationLog audit;
    private final EvidenceStore evidence;
    private final ClockAheadHold clockAhead;

    /** Without a clock-ahead hold: a CLOCK_AHEAD refusal is told at once. */
    public InboundDelivery(Flows flows, FlowHandlers handlers, LegacyOutbox outbox, NodeEnvelopes envelopes,
                           SeenMessages seen, FlowMetrics metrics, OperationLog audit, EvidenceStore evidence) {
        this(flows, handlers, outbox, envelopes, seen, metrics, audit, evidence, ClockAheadHold.none());
    }

    public InboundDelivery(Flows flows, FlowHandlers handlers, LegacyOutbox outbox, NodeEnvelopes envelopes,
                           SeenMessages seen, FlowMetrics metrics, OperationLog audit, EvidenceStore evidence,
                           ClockAheadHold clockAhead) {
        this.clockAhead = clockAhead;
        this.flows = flows;
        this.handlers = handlers;
        this.outbox = outbox;
        this.envelopes = envelopes;
        this.seen = seen;
        this.metrics = metrics;
        this.audit = audit;
        this.evidence = evidence;
    }

    public void open(Exchange exchange) throws EnvelopeRejectedException, PermanentFailure, TransientFailure {
        Message in = exchange.getIn();
        String producer = in.getHeader(Headers.VALIDATED_USER, String.class);
        if (producer == null || producer.isBlank()) {
            throw new PermanentFailure(PRODUCER_UNKNOWN, "a message on the " + exchange.getProperty(Headers.FLOW, String.class)
                    + " queue names no authenticated producer (" + Headers.VALIDATED_USER + "): who put it there is unknown");
        }
        FlowDefinition flow = flows.byName(exchange.getProperty(Headers.FLOW, String.class));
        byte[] envelope = in.getBody(byte[].class);
        String digest = Sha256.hex(envelope);
        exchange.setProperty(ENVELOPE_DIGEST, digest);
        exchange.setProperty(ENVELOPE, envelope);
        OpenedEnvelope opened;
        try {
            opened = envelopes.open(envelope);
        } catch (EnvelopeRejectedException rejected) {
            EnvelopeRejectedException e = refusedAfterItsHold(exchange, rejected, producer, digest);
            if (e.signedHeader() != null) {
                producer = putBackBySigner(exchange, e.signedHeader(), producer);
            }
            EnvelopeRejectedException refused = expiredOrLateCopy(e, in);
            if (refused == e && heldFromTheFuture(exchange, flow, e, envelope, digest, producer)) {
                return;
            }
            throw refused;
        }
        EnvelopeHeader header = opened.header();
        producer = putBackBySigner(exchange, header, producer);

        if (!flow.messageType().equals(header.type())) {
            throw new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID,
                    "a " + header.type() + " arrived on the " + flow.name() + " queue, which carries " + flow.messageType());
        }
        // Who the broker authenticated must be the signer (or this node itself, replaying a dead letter)
        if (!producer.equals(header.sender()) && !producer.equals(NodeSecurityManager.LOCAL_USER)) {
            throw new PermanentFailure(SENDER_MISMATCH, "envelope signed by " + header.sender()
                    + " was put on the broker by " + producer);
        }
        Delivered delivered = new Delivered(flow, header, opened.payloadBytes(), opened.payload());
        // verified and put here by its signer: a refusal from here on is told to it (NonDeliveryNotices), a replay excepted
        exchange.setProperty(DELIVERED, delivered);
        delivered.requireSound(); // every flow, before any handler: its parties are the envelope's, its resident codes valid
        String brokerId = brokerMessageId(in);
        SeenMessages.Verdict verdict;
        try {
            verdict = seen.claim(header.sender(), header.messageId(), brokerId);
        } catch (SeenMessages.DeliveryInFlightException e) {
            // transient: rolled back, redelivered later; should its attempts run out, it is no failure to tell the
            // sender (NonDeliveryNotices): the copy in flight decides
            throw TransientFailure.ofThisMessage(IN_FLIGHT, e.getMessage(), e);
        }
        if (verdict == SeenMessages.Verdict.NEW) {
            // the claim ends when the exchange (and with it the broker transaction) is done
            exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    seen.release(header.sender(), header.messageId(), brokerId);
                }
            });
        }
        switch (verdict) {
            case REPLAY -> {
                exchange.removeProperty(DELIVERED); // its first copy was delivered: a notice would say otherwise
                throw new EnvelopeRejectedException(RejectionReason.REPLAY, "message " + header.messageId() + " from "
                        + header.sender() + " was already delivered, or refused with its sender told (SeenMessages#recordTold)");
            }
            case REDELIVERY -> in.setHeader(Headers.ALREADY_DELIVERED, true);
            case NEW -> in.removeHeader(Headers.ALREADY_DELIVERED);
        }
        in.setHeader(Headers.MESSAGE_ID, header.messageId());
        in.setHeader(Headers.SENDER, header.sender());
        in.setBody(opened.payloadBytes());
    }

    /**
     * An envelope refused for its time ({@link RejectionReason#TIMED}) after its signature verified: its sender is told it was not
     * delivered (NonDeliveryNotices) only when this node knows it never delivered it. The seen-message check runs first: a
     * late copy of a message delivered here is a duplicate, refused with nothing told (a NOT_DELIVERED would contradict the
     * receipt; a copy of a delivered message can be dated ahead of this node's clock after a clock drill moved it back);
     * so is one older than what the seen messages still remember ({@link SeenMessages#remembers}), which cannot be told
     * apart from such a copy. A copy of a message refused and told before ({@link SeenMessages#recordTold}) is a
     * duplicate the same way: its sender was told once. Any other refusal passes unchanged.
     */
    private EnvelopeRejectedException expiredOrLateCopy(EnvelopeRejectedException refused, Message in) {
        EnvelopeHeader header = refused.signedHeader();
        if (!RejectionReason.TIMED.contains(refused.reason()) || header == null) {
            return refused;
        }
        RejectionReason reason = refused.reason();
        String detail = refused.getMessage().substring(reason.name().length() + 2);
        if (!seen.remembers(header.createdAt())) {
            return new EnvelopeRejectedException(reason, detail
                    + "; older than the delivered ids are kept, so whether it was delivered is unknown: its sender is not told");
        }
        if (seen.check(header.sender(), header.messageId(), brokerMessageId(in)) != SeenMessages.Verdict.NEW) {
            return new EnvelopeRejectedException(reason, detail + "; a late copy of message "
                    + header.messageId() + " from " + header.sender() + ", which was delivered or refused and told: a duplicate, its sender is not told");
        }
        return refused;
    }

    /**
     * A copy this node put back after holding it ({@link ClockAheadHold}) that no longer opens so far as a signed
     * header: during the hold (up to 30 days) its sender left the directory (UNKNOWN_SENDER) or changed its certificate
     * (BAD_SIGNATURE), or this node's key rolled (UNDECRYPTABLE). Its signer was verified when it was held, so the
     * refusal is its signer's to be told, as the CLOCK_AHEAD refusal it stands for would have been: the hold row's
     * header is taken as the verified one (analysis-merge11 M3; else nothing is told, the row lingers, and the sender
     * learns only from UNANSWERED at 61 days). Only for a message this node produced, stamped with the signer
     * ({@link ClockAheadRelease#HELD_FOR}), whose bytes are that signer's held envelope; and not when the seen messages
     * record the message delivered or told (an earlier copy of it): that is a duplicate, told nothing. Any other
     * refusal passes unchanged.
     */
    private EnvelopeRejectedException refusedAfterItsHold(Exchange exchange, EnvelopeRejectedException refused, String producer,
                                                          String digest) {
        Message in = exchange.getIn();
        String heldFor = in.getHeader(ClockAheadRelease.HELD_FOR, String.class);
        if (refused.signedHeader() != null || heldFor == null || !NodeSecurityManager.LOCAL_USER.equals(producer)) {
            return refused;
        }
        EnvelopeHeader held = clockAhead.heldAs(heldFor, digest).orElse(null);
        if (held == null || seen.check(held.sender(), held.messageId(), brokerMessageId(in)) != SeenMessages.Verdict.NEW) {
            return refused;
        }
        exchange.setProperty(VERIFIED_WHEN_HELD, true);
        return EnvelopeRejectedException.verifiedBefore(refused, held, "; message " + held.messageId() + " from "
                + held.sender() + ", held as made ahead of this node's clock and verified then: its sender is told");
    }

    /**
     * A copy this node put back on the queue after holding it ({@link ClockAheadHold}): the broker names this node as its
     * producer, but the signer put the original here, so the rest of the delivery (the producer check, the dead letter,
     * a notice to the signer after the hold: {@link #producer}) sees the signer: a copy this node produced, stamped with
     * that signer ({@link ClockAheadRelease#HELD_FOR}), which a redelivery after a crash still carries (nothing in the
     * store decides it, so no store write can be undone by the broker's rollback). Any other message's producer stays
     * as the broker says.
     */
    private static String putBackBySigner(Exchange exchange, EnvelopeHeader header, String producer) {
        if (!NodeSecurityManager.LOCAL_USER.equals(producer)
                || !header.sender().equals(exchange.getIn().getHeader(ClockAheadRelease.HELD_FOR, String.class))) {
            return producer;
        }
        exchange.setProperty(PRODUCER, header.sender());
        return header.sender();
    }

    /**
     * A CLOCK_AHEAD refusal of a verified envelope its signer put here, to be told: held instead while the hold allows
     * (its broker message acknowledged, the route stopped, nothing dead-lettered: {@link ClockAheadHold}); false when it
     * is to be refused and told now (the hold is off or over, the sender's share of it full). Other refusals are never
     * held: SENDER_CERTIFICATE_NOT_YET_VALID compares the envelope's createdAt with its certificate's notBefore, two
     * times no clock of this node moves, so waiting cannot cure it (a node clock behind shows as CLOCK_AHEAD first).
     */
    private boolean heldFromTheFuture(Exchange exchange, FlowDefinition flow, EnvelopeRejectedException refused,
                                      byte[] envelope, String digest, String producer) {
        EnvelopeHeader header = refused.signedHeader();
        // monitoring traffic (heartbeats) is stale by the time it could be delivered, and central gets one a minute from
        // every node: never held
        if (refused.reason() != RejectionReason.CLOCK_AHEAD || header == null || !header.sender().equals(producer)
                || flow.monitoring()) {
            return false;
        }
        ClockAheadHold.Decision decision = clockAhead.hold(flow.name(), header, envelope, digest,
                exchange.getProperty(PRODUCER) != null);
        if (decision != ClockAheadHold.Decision.HELD) {
            return false;
        }
        exchange.setProperty(HELD, true);
        exchange.setRouteStop(true);
        return true;
    }

    /**
     * Who put the message of {@code exchange} on this node's broker: the broker's authenticated producer
     * ({@link Headers#VALIDATED_USER}), or the signer of a held envelope this node put back ({@link #PRODUCER}).
     */
    public static String producer(Exchange exchange) {
        String putBackFor = exchange.getProperty(PRODUCER, String.class);
        return putBackFor != null ? putBackFor : exchange.getIn().getHeader(Headers.VALIDATED_USER, String.class);
    }

    /** Hands the payload to the flow's handler: by default, into the legacy outbox. */
    public void deliver(Exchange exchange) throws Exception {
        Delivered message = exchange.getProperty(DELIVERED, Delivered.class);
        String logStopped = message.flow().monitoring() ? null : audit.failure();
        if (logStopped != null) {
            // the operation log stays stopped until a restart, so markDelivered would fail after the legacy system had
            // the file: each try of the suspended queue (one a minute for a whole weekend) would hand one more message
            // over unrecorded, to be delivered again after the restart
            throw new org.jukibus.audit.OperationLogUnwritable(logStopped, new IOException(logStopped));
        }
        handlers.of(message.flow()).deliver(message, outbox);
    }

    /**
     * Called once the payload is safely delivered, before the broker transaction commits: the envelope is kept as
     * evidence (a receipt for this node's own message included), then the delivery recorded. Monitoring traffic
     * ({@link FlowDefinition#monitoring}) is only recorded as seen and counted: no evidence, no operation-log line; a flow
     * whose handler says a replay changes nothing ({@link FlowHandler#replayChangesNothing}: heartbeats) is not even
     * recorded as seen.
     */
    public void markDelivered(Exchange exchange) throws IOException, TransientFailure {
        Delivered delivered = exchange.getProperty(DELIVERED, Delivered.class);
        EnvelopeHeader header = delivered.header();
        boolean monitoring = delivered.flow().monitoring();
        if (!monitoring) {
            try {
                evidence.keep(exchange.getProperty(ENVELOPE, byte[].class), header);
            } catch (IOException e) {
                // the evidence folder's disk (full over a weekend, say): the message waits with the broker's backoff
                // until it can be kept, rather than use up the attempts of a bug and be dead-lettered after the
                // legacy outbox already holds it (flow.DeliveryFailures)
                throw new TransientFailure(EVIDENCE_UNWRITABLE, "the envelope of " + header.messageId()
                        + " cannot be kept as evidence: " + e.getMessage(), e);
            }
        }
        if (!monitoring) {
            // before the seen record, which commits on its own: a redelivery after it is acknowledged untouched
            // (ALREADY_DELIVERED), so an operation log that failed after it (a full disk: an outage, the message rolls
            // back) would have left a delivery without its line for good; this way round a failed seen record leaves
            // at worst a second line for the same delivery, as a crash in between does
            audit.record(AuditEvent.of(AuditKind.MESSAGE_DELIVERED).flow(exchange.getProperty(Headers.FLOW, String.class))
                    .message(header.messageId(), header.type()).sender(header.sender()).recipient(header.recipient())
                    .digest(exchange.getProperty(ENVELOPE_DIGEST, String.class)));
        }
        if (!handlers.of(delivered.flow()).replayChangesNothing()) {
            seen.record(header.sender(), header.messageId(), brokerMessageId(exchange.getIn()), header.createdAt());
        }
        metrics.received(exchange.getProperty(Headers.FLOW, String.class), header.createdAt());
    }

    private static String brokerMessageId(Message in) {
        return in.getHeader("JMSMessageID", String.class);
    }
}
