package org.jukibus.flow.nondelivery;

import java.util.List;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.DeliveryFailures;
import org.jukibus.flow.Headers;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.LegacyOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters made before {@link Headers#SENDER_NOTICE} existed, of a delivery that failed in a way that is not
 * final ({@link #UNMARKED}), are owed a notice like any made since (nobody replays or purges them after an upgrade:
 * their senders would never learn). Their headers are not trusted for it (before the marks, a peer's own
 * {@code Jukibus*} properties could reach the dead-letter queue): each envelope's signature is verified again, and
 * the sender, message id and created-at come from its signed header. One that verifies and is of a tracked flow is
 * marked {@value NonDeliveryNotices#OWED} with them, and told by the round like any other once past the receiver
 * window (unless delivered here by another copy, or told before); one that does not is marked
 * {@value NonDeliveryNotices#NONE}, nothing owed, with a WARN. Each is looked at once: one pass, marked in the
 * transaction that takes it.
 */
final class UnmarkedDeadLetters {

    private static final Logger log = LoggerFactory.getLogger(UnmarkedDeadLetters.class);

    /**
     * The reasons of a failure that is not final, all of them after the envelope was opened (so after the broker's
     * producer was found to be its signer): RETRIES_EXHAUSTED and each {@code TransientFailure}'s. An unmarked dead
     * letter with one of them was made before {@link Headers#SENDER_NOTICE} existed: today's code marks each of them.
     */
    static final List<String> NOT_FINAL = List.of(DeliveryFailures.RETRIES_EXHAUSTED, LegacyOutbox.UNWRITABLE,
            InboundDelivery.IN_FLIGHT, "CA_UNREACHABLE", "CA_HOLDERS_UNAVAILABLE", "EVIDENCE_UNWRITABLE",
            "STATUS_NOT_RECORDED", "TRUST_UNWRITABLE");
    /** A selector: an unmarked dead letter of a delivery that failed in a way that is not final. */
    static final String UNMARKED = Headers.SENDER_NOTICE + " IS NULL AND " + Headers.REJECT_REASON + " IN ('"
            + String.join("', '", NOT_FINAL) + "') AND " + Headers.DEAD_LETTERED_FROM + " LIKE 'jukibus.inbound.%'";

    private final ConnectionFactory local;
    private final OwedNotices.SignedHeaders signedHeaders;

    UnmarkedDeadLetters(ConnectionFactory local, OwedNotices.SignedHeaders signedHeaders) {
        this.local = local;
        this.signedHeaders = signedHeaders;
    }

    /** One pass over the unmarked dead letters, each marked in its own transaction; returns how many were marked owed. */
    int adopt() throws JMSException {
        int owed = 0;
        int none = 0;
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(OwedNotices.DLQ), UNMARKED)) {
                MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
                for (jakarta.jms.Message dead = consumer.receive(1000); dead != null; dead = consumer.receive(1000)) {
                    try {
                        if (mark(s, producer, dead)) {
                            owed++;
                        } else {
                            none++;
                        }
                        s.commit();
                    } catch (Exception e) { // left unmarked, looked at again next round; the rest waits for it
                        s.rollback();
                        log.error("could not look at unmarked dead letter {} for a notice its sender may be owed (tried "
                                + "again in the next round): {}", dead.getJMSMessageID(), e.toString());
                        break;
                    }
                }
            } finally {
                s.close();
            }
        }
        if (owed + none > 0) {
            log.warn("{} dead letters made before the sender-notice marks: {} owed a notice (told once past the receiver "
                    + "window), {} owe nothing or cannot be verified", owed + none, owed, none);
        }
        return owed;
    }

    /** Puts {@code dead} back marked owed (with its verified ids) or owing nothing; true if owed. */
    private boolean mark(Session s, MessageProducer producer, jakarta.jms.Message dead) throws Exception {
        if (!(dead instanceof BytesMessage body)) {
            throw new IllegalStateException("not a bytes message: not a dead letter this node made");
        }
        String flow = dead.getStringProperty(Headers.FLOW);
        EnvelopeHeader signed = NonDeliveryFlow.tracked(flow) ? signedHeaders.of(DeadLetterCopy.body(body)) : null;
        if (signed == null) {
            producer.send(DeadLetterCopy.of(s, body, NonDeliveryNotices.NONE, null));
            log.warn("{} dead letter {} ({}), made before the sender-notice marks: {}, no notice is owed; replay it once "
                    + "the cause is fixed, or purge it", flow, dead.getJMSMessageID(),
                    dead.getStringProperty(Headers.REJECT_REASON), NonDeliveryFlow.tracked(flow)
                            ? "its envelope does not verify now (its sender renewed or left), so its sender is not known"
                            : "its flow gets no notices");
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
        log.info("{} message {} from {}, dead letter {} made before the sender-notice marks: its sender is owed a notice",
                flow, signed.messageId(), signed.sender(), dead.getJMSMessageID());
        return true;
    }

}
