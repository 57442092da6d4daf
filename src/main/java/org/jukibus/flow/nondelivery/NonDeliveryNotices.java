package org.jukibus.flow.nondelivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Answers;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.DeliveryFailures;
import org.jukibus.flow.Headers;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.SeenMessages;
import org.jukibus.xml.SecureXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * What a dead letter tells its sender, decided after it is labelled and before it is sent to {@code jukibus.dlq}
 * ({@code routes/common/error-handling.yaml}), in the same broker transaction:
 * <ul>
 *   <li>A message for this node that failed at delivery: a signed {@link NonDeliveryNotice} back to its sender
 *   — only when the sender is authenticated twice over: the envelope's signature verified (it opened, so
 *   {@link InboundDelivery#DELIVERED} is set, or only its payload or its age was refused: malformed, schema-invalid,
 *   expired and never delivered here) and the producer the broker validated is that same sender. Any other envelope
 *   rejection (bad signature, unknown sender, replay, a late copy of a delivered message, undecryptable) or a sender
 *   mismatch gets nothing: its claimed sender may be someone a hostile peer wants to flood with notices. A transient
 *   failure whose attempts ran out is not final (a copy still in flight may deliver it, a replay may): its sender is
 *   owed a notice instead, marked on the dead letter ({@link Headers#SENDER_NOTICE} {@value #OWED}), which
 *   {@link OwedNotices} gives once a replay could no longer deliver it, or when an operator purges it. A notice that
 *   cannot be made now is owed the same way. The dead letter says {@value #TOLD} when the notice went with it. A
 *   replayed dead letter that fails again keeps what its first failure decided: nothing more if its sender was told,
 *   a notice now if it was owed and the failure is final. A refusal for the envelope's time
 *   ({@link RejectionReason#TIMED}) that is told is made final first: its id is recorded in the seen messages
 *   ({@link SeenMessages#recordTold}), so no replay or later copy delivers what its sender was told was not
 *   delivered.</li>
 *   <li>A message of this node that failed on the outbound queue (unknown recipient, expired): a
 *   {@link NonDelivery} file straight into this node's legacy outbox, no envelope.</li>
 * </ul>
 * Receipts, notices and monitoring traffic get neither ({@link NonDeliveryFlow#tracked}): no notice loops.
 * The notices to send are left in the exchange property {@value #NOTICES} (possibly none), for the route to send
 * after the dead letter. A failure to make a notice is logged and never undoes the dead letter. A failure to write
 * this node's own NonDelivery file is thrown instead, undoing the dead letter so that it is tried again: the legacy
 * system has no other way to learn of it.
 */
public final class NonDeliveryNotices {

    private static final Logger log = LoggerFactory.getLogger(NonDeliveryNotices.class);
    private static final XmlMapper XML = new XmlMapper();
    /** The queue whose dead letters are this node's own messages. */
    static final String OUTBOUND = "jukibus.outbound";
    /** A reason code that is not one (a transient failure's free text) is told as this. */
    static final String UNDELIVERABLE = "UNDELIVERABLE";
    /** {@link Headers#SENDER_NOTICE}: the sender was sent a notice. */
    public static final String TOLD = "TOLD";
    /** {@link Headers#SENDER_NOTICE}: the sender is owed a notice. */
    public static final String OWED = "OWED";
    /**
     * {@link Headers#SENDER_NOTICE}: looked at, nothing is owed (another copy was delivered here; or a dead letter made
     * before the marks whose envelope cannot be verified, {@link OwedNotices}).
     */
    public static final String NONE = "NONE";
    /** Exchange property: the sealed notices (Camel messages for {@code jukibus.outbound}) to send after the dead letter. */
    public static final String NOTICES = "JukibusNotices";

    private final Answers answers;
    private final SentMessages sent;
    private final NonDeliveryFiles files;
    private final SentNotices sentNotices;
    private final SeenMessages seen;
    private final String selfCode;
    private final Clock clock;

    public NonDeliveryNotices(Answers answers, SentMessages sent, NonDeliveryFiles files, SentNotices sentNotices,
                              SeenMessages seen, String selfCode, Clock clock) {
        this.answers = answers;
        this.sent = sent;
        this.files = files;
        this.sentNotices = sentNotices;
        this.seen = seen;
        this.selfCode = selfCode;
        this.clock = clock;
    }

    public void onDeadLetter(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String flow = in.getHeader(Headers.FLOW, String.class);
        String reason = reasonCode(in.getHeader(Headers.REJECT_REASON, String.class));
        exchange.setProperty(NOTICES, List.of());
        if (NonDeliveryFlow.tracked(flow) && OUTBOUND.equals(in.getHeader(Headers.DEAD_LETTERED_FROM, String.class))) {
            // this node's own message: nobody else will tell its legacy system. A failure (outbox unwritable, disk
            // full, store down) is thrown: it rolls the dead-lettering back, the broker redelivers the message with
            // backoff, it expires again and is reported then
            reportOwn(in, flow, reason);
            return;
        }
        String earlier = in.getHeader(Headers.SENDER_NOTICE, String.class); // only a replay carries one (DeadLetters)
        EnvelopeHeader verified = verifiedHeader(exchange);
        Object deadLetter = in.getHeader("JMSMessageID");
        if (!NonDeliveryFlow.tracked(flow)) {
            log.debug("no non-delivery report for a {} message", flow);
        } else if (TOLD.equals(earlier)) {
            log.info("no non-delivery notice for dead letter {} ({}): a replay that failed again, its sender was told", deadLetter, reason);
        } else if (notAuthenticated(flow, verified, org.jukibus.flow.InboundDelivery.producer(exchange), earlier) != null) {
            if (OWED.equals(earlier) && (RejectionReason.REPLAY.name().equals(reason) || RejectionReason.timed(reason))) {
                in.removeHeader(Headers.SENDER_NOTICE); // delivered by another copy meanwhile, or too old to know: nothing owed
            }
            log.info("no non-delivery notice for dead letter {} ({}): its sender is not authenticated", deadLetter, reason);
        } else if (!isFinal(exchange)) {
            // a transient failure whose attempts ran out (a lock, a copy still in flight, a full disk): the message may
            // yet be delivered (its other copy, a replay); OwedNotices tells its sender once a replay no longer can
            in.setHeader(Headers.SENDER_NOTICE, OWED);
            log.info("non-delivery notice for dead letter {} ({}) owed to {}: not a final failure, it waits for a replay",
                    deadLetter, reason, verified.sender());
        } else {
            try {
                Answer notice = notice(verified, flow, reason);
                // sealed first: a notice that cannot be sealed (its sender left the directory, or was revoked) stays
                // owed with nothing recorded, so OwedNotices tries it again once the directory lists its sender
                // (a told record without a notice would make it take the owed letter for a copy delivered elsewhere)
                boolean before = alreadySent(notice);
                List<?> sealed = before ? List.of() : answers.sealAll(exchange, List.of(notice));
                if (refusedForItsTime(exchange) || exchange.getProperty(InboundDelivery.VERIFIED_WHEN_HELD) != null) {
                    // told, so final: no later copy or replay may deliver it once the clocks agree (SeenMessages#recordTold).
                    // A copy put back after a clock-ahead hold refused before it verified, likewise: its hold row goes
                    // once this record exists (ClockAheadHold#forgetSeen), rather than linger for the outage window.
                    // The signer's own id only (verified and the producer), so no peer can block another's message.
                    // Should this fail, nothing is told now: owed (catch below), told once a replay no longer can deliver it
                    seen.recordTold(verified.sender(), verified.messageId(), brokerMessageId(in), verified.createdAt());
                }
                if (before) {
                    log.info("no second non-delivery notice for {} message {} ({}), dead letter {}: {} was told of it before",
                            flow, verified.messageId(), reason, deadLetter, verified.sender());
                } else {
                    exchange.setProperty(NOTICES, sealed);
                    log.info("non-delivery notice for {} message {} ({}) to {}", flow, verified.messageId(), reason, verified.sender());
                }
                told(in, clock);
            } catch (Exception e) { // the dead letter matters more than telling about it: owed, told later
                in.setHeader(Headers.SENDER_NOTICE, OWED);
                log.error("could not report dead letter {} ({}) to its sender {} now, it is owed a notice: {}", deadLetter,
                        reason, verified.sender(), e.toString());
            }
        }
    }

    /**
     * Why the sender of a dead letter of {@code flow} is owed no word of it, or null if it may be (told or owed, as the
     * failure is final or not): the flow is tracked, the envelope's signature verified ({@code verified}), and the
     * producer the broker authenticated ({@code producer}) is that signer; or, for a replay by this node, the first
     * dead-lettering found it so (it left the sender {@value #OWED} a notice, {@code earlier}). Anyone else could make
     * this node notify a peer about a message it chose to inject. Asked at dead-lettering and again for a dead letter
     * made before the marks ({@link UnmarkedDeadLetters}): one rule.
     */
    static String notAuthenticated(String flow, EnvelopeHeader verified, String producer, String earlier) {
        if (!NonDeliveryFlow.tracked(flow)) {
            return "its flow gets no notices";
        }
        if (verified == null) {
            return "its envelope's signature was not verified";
        }
        if (producer == null) {
            return "who put it on the broker is not known";
        }
        if (verified.sender().equals(producer) || (OWED.equals(earlier) && NodeSecurityManager.LOCAL_USER.equals(producer))) {
            return null;
        }
        return "it was put on the broker by " + producer + ", not by its signer " + verified.sender();
    }

    /** Marks the dead letter in {@code in} as told, now. */
    private static void told(Message in, Clock clock) {
        in.setHeader(Headers.SENDER_NOTICE, TOLD);
        in.setHeader(Headers.SENDER_TOLD_AT, clock.instant().toString());
    }

    /** Whether the dead letter's failure is final (a refusal), not a transient one whose attempts ran out (issue 14 F). */
    static boolean isFinal(Exchange exchange) {
        return DeliveryFailures.classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))
                == DeliveryFailures.Kind.PERMANENT;
    }

    /**
     * The header of the dead letter if its signature verified: it was opened (and failed later), or refused for
     * its payload only. Null for every other envelope rejection: then nobody is known to have sent it.
     */
    private static EnvelopeHeader verifiedHeader(Exchange exchange) {
        Delivered delivered = exchange.getProperty(InboundDelivery.DELIVERED, Delivered.class);
        if (delivered != null) {
            return delivered.header();
        }
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof EnvelopeRejectedException rejected
                ? rejected.signedHeader() : null;
    }

    /**
     * Whether a notice about the same message was sent before (another copy of it, its owed notice): its sender was
     * told once, and a second notice with the same id would roll back the transaction it is sent in ({@link SentNotices}).
     */
    boolean alreadySent(Answer notice) {
        return sentNotices.alreadySent(notice.messageId());
    }

    /** The notice about message {@code messageId} of {@code sender}; its id is made from both, the same however often. */
    Answer notice(String sender, String messageId, String flow, String reason) throws Exception {
        return notice(sender, messageId, flow, reason, NonDeliveryFlow.reasonText(reason), clock.instant());
    }

    /** The notice about the verified envelope {@code verified}, its detail made for its reason ({@link #detail}). */
    private Answer notice(EnvelopeHeader verified, String flow, String reason) throws Exception {
        Instant now = clock.instant();
        return notice(verified.sender(), verified.messageId(), flow, reason, detail(reason, verified, now), now);
    }

    private Answer notice(String sender, String messageId, String flow, String reason, String detail, Instant now)
            throws Exception {
        NonDeliveryNotice notice = new NonDeliveryNotice(messageId, flow, selfCode, reason, detail, now.toString());
        return new Answer(NonDeliveryFlow.FLOW, sender, MessageIds.answerOf(NonDeliveryFlow.FLOW.name(), sender, messageId),
                messageId, SecureXml.parse(XML.writeValueAsBytes(notice)));
    }

    /**
     * The notice's text: the reason's fixed text, but for CLOCK_AHEAD both clocks' times, the envelope's createdAt (the
     * sender's) and this node's now: either clock may be the wrong one, and the sender's operator can only tell with both.
     * Times and codes only, no personal data; within the schema's 200 characters with the sender's label on it
     * (RecipientClaim).
     */
    static String detail(String reason, EnvelopeHeader verified, Instant now) {
        if (RejectionReason.CLOCK_AHEAD.name().equals(reason)) {
            // no apostrophes: the sender's file keeps the claim without markup characters (RecipientClaim)
            return "created at " + verified.createdAt().truncatedTo(ChronoUnit.SECONDS) + " by the sender clock, refused at "
                    + now.truncatedTo(ChronoUnit.SECONDS) + " by the recipient clock: one of the two clocks is wrong";
        }
        return NonDeliveryFlow.reasonText(reason);
    }

    private void reportOwn(Message in, String flow, String reason) throws Exception {
        String messageId = in.getHeader(Headers.MESSAGE_ID, String.class);
        String recipient = in.getHeader(Headers.RECIPIENT, String.class);
        Instant now = clock.instant();
        Instant sentAt = sent.find(messageId, recipient).map(SentMessages.Sent::queuedAt).orElse(null);
        try {
            files.write(new NonDelivery(messageId, flow, recipient, NonDelivery.NOT_DELIVERED, NonDelivery.BY_SENDER, reason,
                    NonDeliveryFlow.reasonText(reason), sentAt == null ? null : sentAt.toString(), now.toString()));
        } catch (IOException e) {
            throw new IOException("cannot write the NonDelivery file of " + flow + " message " + messageId + " to " + recipient
                    + " (" + reason + "): " + e.getMessage() + "; the message is dead-lettered again and reported once it can be", e);
        }
        sent.close(messageId, recipient, SentMessages.State.NOT_DELIVERED, null, reason, now);
        log.warn("{} message {} to {} not delivered ({}): reported in the legacy outbox", flow, messageId, recipient, reason);
    }

    /** Whether the envelope was refused by its opener for its time ({@link RejectionReason#TIMED}). */
    private static boolean refusedForItsTime(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof EnvelopeRejectedException rejected
                && RejectionReason.TIMED.contains(rejected.reason());
    }

    private static String brokerMessageId(Message in) {
        String id = in.getHeader("JMSMessageID", String.class);
        if (id == null || id.isBlank()) {
            throw new IllegalStateException("the dead letter names no broker message id: its refusal cannot be recorded as final");
        }
        return id;
    }

    static String reasonCode(String reason) {
        return reason != null && reason.matches("[A-Z][A-Z0-9_]{0,63}") ? reason : UNDELIVERABLE;
    }
}
