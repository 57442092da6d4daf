package org.jukibus.flow.nondelivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.flow.DeliveryFailures;
import org.jukibus.flow.Headers;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.LegacyOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unmarked dead letters of a delivery that failed in a way that is not final ({@link #UNMARKED}): made before
 * {@link Headers#SENDER_NOTICE} existed, or whose envelope could not be verified when it was dead-lettered (a transient
 * failure inside its opening until the attempts ran out). Each is owed a notice exactly when today's dead-lettering
 * would have marked it {@value NonDeliveryNotices#OWED} ({@link NonDeliveryNotices#notAuthenticated}, one rule): a
 * tracked flow, its envelope's signature verifies again (sender, message id and created-at from its signed header,
 * never its headers: before the marks, a peer's own {@code Jukibus*} properties could reach the dead-letter queue),
 * the signed type is its flow's, and the producer the broker authenticated ({@link Headers#PRODUCER}) is that signer.
 * A dead letter made before this node recorded its producer has none: nobody is known to have put it here, so it is
 * marked {@value NonDeliveryNotices#NONE}, like every other that owes nothing, with why (a WARN, {@code dlq list}).
 * A transient failure to verify (the directory or revocation list not loaded, the store down) leaves it unmarked, for
 * the next round: it is never marked NONE for good by a passing failure. One that fails every time is skipped, with
 * one ERROR a day at most, and the others go on. Each is marked in the transaction that takes it.
 */
final class UnmarkedDeadLetters {

    private static final Logger log = LoggerFactory.getLogger(UnmarkedDeadLetters.class);

    /**
     * The reasons of a failure that is not final, all of them after the envelope was opened (so after the broker's
     * producer was found to be its signer): RETRIES_EXHAUSTED and each {@code TransientFailure}'s.
     */
    static final List<String> NOT_FINAL = List.of(DeliveryFailures.RETRIES_EXHAUSTED, LegacyOutbox.UNWRITABLE,
            InboundDelivery.IN_FLIGHT, "CA_UNREACHABLE", "CA_HOLDERS_UNAVAILABLE", "EVIDENCE_UNWRITABLE",
            "STATUS_NOT_RECORDED", "TRUST_UNWRITABLE");
    /** A selector: an unmarked dead letter of a delivery that failed in a way that is not final. */
    static final String UNMARKED = Headers.SENDER_NOTICE + " IS NULL AND " + Headers.REJECT_REASON + " IN ('"
            + String.join("', '", NOT_FINAL) + "') AND " + Headers.DEAD_LETTERED_FROM + " LIKE 'jukibus.inbound.%'";
    /**
     * Refusals of an envelope that no reload can change (its bytes, its signature, its addressee, a sender gone from
     * the directory): it will never verify, nothing is owed. Any other failure to verify may pass.
     */
    static final Set<RejectionReason> NEVER_VERIFIES = Set.of(RejectionReason.UNKNOWN_SENDER,
            RejectionReason.BAD_SIGNATURE, RejectionReason.WRONG_RECIPIENT, RejectionReason.MALFORMED,
            RejectionReason.OVERSIZE);
    /** How often a dead letter that cannot be looked at is said at ERROR. */
    static final Duration ERROR_EVERY = Duration.ofDays(1);

    private final ConnectionFactory local;
    private final OwedNotices.SignedHeaders signedHeaders;
    private final Function<String, String> messageTypeOf;
    private final Clock clock;
    /** The dead letters that could not be looked at, and when that was last said at ERROR: tried after the others. */
    private final Map<String, Instant> failing = new ConcurrentHashMap<>();

    /**
     * @param messageTypeOf the signed message type a flow carries (null for a flow this node does not know)
     */
    UnmarkedDeadLetters(ConnectionFactory local, OwedNotices.SignedHeaders signedHeaders,
                        Function<String, String> messageTypeOf, Clock clock) {
        this.local = local;
        this.signedHeaders = signedHeaders;
        this.messageTypeOf = messageTypeOf;
        this.clock = clock;
    }

    /** What one pass came to. */
    record Adopted(int owed, int none, int skipped) {
    }

    /**
     * One pass over the unmarked dead letters {@code scope} picks (null: all; a purge's selector: only what it purges),
     * each marked in its own transaction. Those that failed before come last, so that they cannot hold the others back.
     */
    Adopted adopt(String scope) throws JMSException {
        String unmarked = scope == null ? UNMARKED : "(" + scope + ") AND " + UNMARKED;
        Counts counts = new Counts();
        Set<String> before = Set.copyOf(failing.keySet());
        Set<String> failed = new LinkedHashSet<>();
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try {
                MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
                boolean all = sweep(s, producer, unmarked + notIn(before), failed, counts);
                if (all && !before.isEmpty()) {
                    all = sweep(s, producer, unmarked + " AND JMSMessageID IN ('" + String.join("', '", before) + "')",
                            failed, counts);
                }
                if (all && scope == null) {
                    failing.keySet().retainAll(failed); // the others were marked, or are gone: no longer failing
                }
            } finally {
                s.close();
            }
        }
        if (counts.owed + counts.none > 0 || counts.newErrors > 0) {
            log.warn("{} unmarked dead letters looked at: {} owed a notice (told once past the receiver window), {} owe "
                    + "nothing, {} could not be looked at (tried again in the next round)", counts.owed + counts.none,
                    counts.owed, counts.none, failed.size());
        }
        return new Adopted(counts.owed, counts.none, failed.size());
    }

    private static final class Counts {
        int owed;
        int none;
        int newErrors;
    }

    /**
     * One consumer after another over {@code selector}, leaving out each dead letter that failed; false if it stopped
     * after {@value OwedNotices#MAX_FAILURES} failures in a row (the store or the broker is down, not one dead letter).
     */
    private boolean sweep(Session s, MessageProducer producer, String selector, Set<String> failed, Counts counts)
            throws JMSException {
        int inARow = 0;
        boolean again = true;
        while (again) {
            again = false;
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(OwedNotices.DLQ), selector + notIn(failed))) {
                for (jakarta.jms.Message dead = consumer.receive(1000); dead != null; dead = consumer.receive(1000)) {
                    String id = dead.getJMSMessageID();
                    try {
                        if (mark(s, producer, dead)) {
                            counts.owed++;
                        } else {
                            counts.none++;
                        }
                        s.commit();
                        inARow = 0;
                    } catch (Exception e) { // left unmarked, looked at again next round; the others go on past it
                        s.rollback();
                        failed.add(id);
                        inARow++;
                        failed(id, e, counts);
                        again = inARow < OwedNotices.MAX_FAILURES; // a rollback returns it: a new consumer leaves it out
                        break;
                    }
                }
            }
        }
        if (inARow >= OwedNotices.MAX_FAILURES) {
            log.error("{} unmarked dead letters in a row could not be looked at for the notice their senders may be owed: "
                    + "the pass stops, the rest wait for the next round", inARow);
            return false;
        }
        return true;
    }

    /** Said at ERROR once a day at most per dead letter: a letter that fails every time must not flood the log. */
    private void failed(String id, Exception e, Counts counts) {
        Instant now = clock.instant();
        Instant last = failing.get(id);
        if (last == null || last.isAfter(now) || !last.plus(ERROR_EVERY).isAfter(now)) {
            failing.put(id, now);
            counts.newErrors++;
            log.error("could not look at unmarked dead letter {} for the notice its sender may be owed (left unmarked, "
                    + "tried again each round after the others, said again in {} at most): {}", id, ERROR_EVERY, e.toString());
        } else {
            log.debug("unmarked dead letter {} still cannot be looked at: {}", id, e.toString());
        }
    }

    private static String notIn(Set<String> ids) {
        return ids.isEmpty() ? "" : " AND JMSMessageID NOT IN ('" + String.join("', '", ids) + "')";
    }

    /**
     * Puts {@code dead} back marked owed (with its verified ids) or owing nothing (with why); true if owed. Throws, and
     * marks nothing, if its envelope cannot be verified now for a reason that may pass.
     */
    private boolean mark(Session s, MessageProducer producer, jakarta.jms.Message dead) throws Exception {
        if (!(dead instanceof BytesMessage body)) {
            throw new IllegalStateException("not a bytes message: not a dead letter this node made");
        }
        String flow = dead.getStringProperty(Headers.FLOW);
        String producerName = dead.getStringProperty(Headers.PRODUCER);
        EnvelopeHeader signed = null;
        String why;
        if (!NonDeliveryFlow.tracked(flow)) {
            why = NonDeliveryNotices.notAuthenticated(flow, null, producerName, null);
        } else {
            try {
                signed = signedHeaders.of(DeadLetterCopy.body(body));
            } catch (EnvelopeRejectedException e) {
                if (!NEVER_VERIFIES.contains(e.reason())) {
                    throw new IllegalStateException("its envelope cannot be verified now: " + e.getMessage(), e);
                }
            }
            String type = messageTypeOf.apply(flow);
            why = signed != null && !signed.type().equals(type)
                    ? "its envelope is a signed " + signed.type() + ", not the " + flow + " flow's " + type
                    : NonDeliveryNotices.notAuthenticated(flow, signed, producerName, null);
        }
        if (why != null) {
            BytesMessage none = DeadLetterCopy.of(s, body, NonDeliveryNotices.NONE, null);
            none.setStringProperty(Headers.SENDER_NOT_TOLD, "nothing owed: " + why);
            producer.send(none);
            log.warn("{} dead letter {} ({}), unmarked: no notice is owed, {}; replay it once the cause is fixed, or purge "
                    + "it", flow, dead.getJMSMessageID(), dead.getStringProperty(Headers.REJECT_REASON), why);
            return false;
        }
        BytesMessage copy = DeadLetterCopy.of(s, body, NonDeliveryNotices.OWED, null);
        copy.setStringProperty(Headers.SENDER, signed.sender());
        copy.setStringProperty(Headers.MESSAGE_ID, signed.messageId());
        copy.setStringProperty(Headers.TYPE, signed.type());
        copy.setStringProperty(Headers.RECIPIENT, signed.recipient());
        copy.setStringProperty(Headers.CREATED_AT, signed.createdAt().toString());
        copy.setLongProperty(Headers.CREATED_AT_MILLIS, signed.createdAt().toEpochMilli());
        producer.send(copy);
        log.info("{} message {} from {}, unmarked dead letter {}: its sender is owed a notice", flow, signed.messageId(),
                signed.sender(), dead.getJMSMessageID());
        return true;
    }

}
