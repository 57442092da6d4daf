package org.jukibus.flow.nondelivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.clock.NodeClock;
import org.jukibus.core.PeriodicJob;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Answers;
import org.jukibus.flow.DeliveryFailures;
import org.jukibus.flow.Headers;
import org.jukibus.flow.OwedNoticeGiver;
import org.jukibus.flow.SeenMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final non-delivery notice a dead letter's sender is owed ({@link Headers#SENDER_NOTICE} {@value
 * NonDeliveryNotices#OWED}: its failure was not final, or its notice could not be made, see
 * {@link NonDeliveryNotices}). Without it, a message dead-lettered here as RETRIES_EXHAUSTED or OUTBOX_UNWRITABLE and
 * never replayed ends with OVERDUE as its sender's last word, which the sender forgets after two outage windows.
 * <ul>
 *   <li>Every round ({@code jukibus.receipts.owed-notice-interval}), each owed dead letter whose envelope is older than
 *   the receiver window (a replay would now be refused EXPIRED: it can no longer be delivered) gets its notice, reason
 *   {@value DeliveryFailures#TRANSIENT_EXPIRED}; the dead letter stays on the queue for the operator, marked
 *   {@value NonDeliveryNotices#TOLD} with the time.</li>
 *   <li>A purge ({@link #tellAndRemove}) first takes each owed dead letter it removes with its notice, reason the dead
 *   letter's own.</li>
 * </ul>
 * A message delivered here by another copy (the seen messages, {@link SeenMessages}) owes nothing: its dead letter
 * loses the mark, no notice goes (its receipt is its outcome). A message whose sender was already sent a notice about
 * it (an expired copy was refused and told, {@link SentNotices}) gets no second one: its dead letter is marked told.
 * Exactly once: the owed dead letter is taken off the queue, its notice sent and (for a round) its marked copy put
 * back in one local broker transaction, so a crash, a restart or the other server of a primary/backup pair (the same
 * journal) finds it either still owed or told, never both; two rounds cannot both take it. The time is the node's
 * clock, never ahead of the system's ({@link NodeClock#forForgetting}: a notice is irreversible, a clock drill is
 * not), the state the broker's journal. A notice goes only to the sender the dead letter names, which this node set
 * from the envelope's verified signature when the broker's authenticated producer was that signer (a peer cannot
 * make one: {@code DeadLetters} drops every Jukibus header a peer sets). Its id is made from the sender and message
 * id, as the one sent at dead-lettering would have been.
 */
public final class OwedNotices implements OwedNoticeGiver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OwedNotices.class);
    static final String DLQ = "jukibus.dlq";

    private final ConnectionFactory local;
    private final SeenMessages seen;
    private final NonDeliveryNotices notices;
    private final Answers answers;
    private final CamelContext camel;
    private final Clock clock;
    private final Duration receiverWindow;
    private PeriodicJob job;

    /** @param receiverWindow the age past which this node refuses an envelope as EXPIRED (a replay included) */
    public OwedNotices(ConnectionFactory local, SeenMessages seen, NonDeliveryNotices notices, Answers answers,
                       CamelContext camel, Clock clock, Duration receiverWindow) {
        this.local = local;
        this.seen = seen;
        this.notices = notices;
        this.answers = answers;
        this.camel = camel;
        this.clock = clock;
        this.receiverWindow = receiverWindow;
    }

    /** Runs {@link #tellDue} every {@code every}, the first time one interval from now. */
    public OwedNotices start(Duration every) {
        job = PeriodicJob.start("owed-notices", every, every, this::tellDue);
        return this;
    }

    /** One round: tells every owed dead letter that can no longer be delivered; returns how many it took. */
    public int tellDue() throws Exception {
        // never ahead of the system's clock: a drill moves the node's forward and back, and a notice cannot be taken
        // back once the clock is back and a replay could deliver the message after all
        Instant createdBefore = NodeClock.forForgetting(clock).minus(receiverWindow);
        int told = 0;
        for (String id : owed(null, createdBefore)) {
            try {
                if (take(id, DeliveryFailures.TRANSIENT_EXPIRED, true)) {
                    told++;
                }
            } catch (Exception e) { // this one stays owed and is tried again next round; the others go on
                log.error("could not give dead letter {} the non-delivery notice its sender is owed (tried again in the "
                        + "next round): {}", id, e.toString());
            }
        }
        return told;
    }

    @Override
    public int tellAndRemove(String selector) throws Exception {
        int told = 0;
        for (String id : owed(selector, null)) {
            try {
                if (take(id, null, false)) {
                    told++;
                }
            } catch (Exception e) { // this one stays, owed, for the next round or purge; the others are purged
                log.error("could not give dead letter {} the non-delivery notice its sender is owed: it is not purged, "
                        + "it stays owed: {}", id, e.toString());
            }
        }
        return told;
    }

    /** The ids of the owed dead letters {@code selector} picks, created before {@code createdBefore} (null: any). */
    private List<String> owed(String selector, Instant createdBefore) throws JMSException {
        List<String> ids = new ArrayList<>();
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = s.createBrowser(s.createQueue(DLQ), selector == null ? TELLABLE : "(" + selector + ") AND " + TELLABLE)) {
                for (jakarta.jms.Message m : Collections.list((java.util.Enumeration<jakarta.jms.Message>) browser.getEnumeration())) {
                    if (createdBefore == null || createdAt(m).isBefore(createdBefore)) {
                        ids.add(m.getJMSMessageID());
                    }
                }
            }
        }
        return ids;
    }

    /**
     * The envelope's created-at; for a dead letter made before it was recorded, its rejection time (later: told later,
     * never too early).
     */
    private static Instant createdAt(jakarta.jms.Message m) throws JMSException {
        for (String header : List.of(Headers.CREATED_AT, Headers.REJECTED_AT)) {
            String at = m.getStringProperty(header);
            try {
                if (at != null) {
                    return Instant.parse(at);
                }
            } catch (DateTimeParseException e) {
                // the next one
            }
        }
        return Instant.MAX; // no time at all: never due by age, told when purged
    }

    /**
     * In one local transaction: takes dead letter {@code id} if it is still owed, sends its sender's notice (reason
     * {@code reason}, or the dead letter's own) and, if {@code keep}, puts it back marked told (or, if another copy was
     * delivered, sends nothing and puts it back unmarked). False if it is gone or no longer owed (a replay, a purge or
     * the other round took it).
     */
    private boolean take(String id, String reason, boolean keep) throws Exception {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try {
                Queue dlq = s.createQueue(DLQ);
                MessageConsumer consumer = s.createConsumer(dlq, "JMSMessageID = '" + id + "' AND " + TELLABLE);
                jakarta.jms.Message dead = consumer.receive(2000);
                consumer.close();
                if (!(dead instanceof BytesMessage body)) {
                    s.rollback();
                    return false;
                }
                String sender = dead.getStringProperty(Headers.SENDER);
                String messageId = dead.getStringProperty(Headers.MESSAGE_ID);
                String flow = dead.getStringProperty(Headers.FLOW);
                if (seen.check(sender, messageId, id) != SeenMessages.Verdict.NEW) {
                    // another copy was delivered here (a copy in flight, a redelivery): its receipt is its outcome
                    if (keep) {
                        s.createProducer(dlq).send(copy(s, body, null));
                    }
                    s.commit();
                    log.info("{} message {} from {}, dead letter {}: another copy was delivered, nothing owed to its sender",
                            flow, messageId, sender, id);
                    return true;
                }
                String told = reason != null ? reason : NonDeliveryNotices.reasonCode(dead.getStringProperty(Headers.REJECT_REASON));
                Answer owedNotice = notices.notice(sender, messageId, flow, told);
                if (notices.alreadySent(owedNotice)) {
                    // told before (an expired copy of the message was refused and told): once is all it is owed
                    if (keep) {
                        s.createProducer(dlq).send(copy(s, body, NonDeliveryNotices.TOLD));
                    }
                    s.commit();
                    log.info("{} message {} from {}, dead letter {}: its sender was already sent a non-delivery notice "
                            + "about it, no second one{}", flow, messageId, sender, id,
                            keep ? "; the dead letter stays, marked " + NonDeliveryNotices.TOLD : ", and the dead letter is removed");
                    return true;
                }
                org.apache.camel.Message notice;
                try {
                    notice = answers.sealAll(new DefaultExchange(camel), List.of(owedNotice)).get(0);
                } catch (IllegalArgumentException e) {
                    if (keep) {
                        throw e; // owed still: an ERROR each round until the directory lists the sender again, or a purge
                    }
                    // a purge of a message whose sender left the directory or was revoked: nobody can be told
                    s.commit();
                    log.warn("{} message {} from {}, dead letter {}, purged without the notice its sender was owed: {}",
                            flow, messageId, sender, id, e.getMessage());
                    return true;
                }
                s.createProducer(s.createQueue(NonDeliveryNotices.OUTBOUND)).send(jms(s, notice.getBody(byte[].class), notice.getHeaders()));
                if (keep) {
                    s.createProducer(dlq).send(copy(s, body, NonDeliveryNotices.TOLD));
                }
                s.commit();
                log.warn("{} message {} from {}, dead letter {}, can no longer be delivered: its sender was sent the "
                        + "non-delivery notice it was owed ({}){}", flow, messageId, sender, id, told,
                        keep ? "; the dead letter stays, marked " + NonDeliveryNotices.TOLD : ", and the dead letter is removed");
                return true;
            } catch (Exception e) {
                s.rollback();
                throw e;
            } finally {
                s.close();
            }
        }
    }

    /**
     * The dead letter again, its body and Jukibus headers as they were (a new duplicate id: a new message), marked
     * {@code notice} with the time, or (null) owing nothing.
     */
    private BytesMessage copy(Session s, BytesMessage dead, String notice) throws JMSException {
        dead.reset();
        byte[] bytes = new byte[(int) dead.getBodyLength()];
        dead.readBytes(bytes);
        BytesMessage copy = s.createBytesMessage();
        copy.writeBytes(bytes);
        for (String name : Collections.list((java.util.Enumeration<String>) dead.getPropertyNames())) {
            if (name.startsWith("Jukibus") && !name.equals(Headers.SENDER_NOTICE)) {
                copy.setObjectProperty(name, dead.getObjectProperty(name));
            }
        }
        if (notice != null) {
            copy.setStringProperty(Headers.SENDER_NOTICE, notice);
            copy.setStringProperty(Headers.SENDER_TOLD_AT, clock.instant().toString());
        }
        copy.setStringProperty(Headers.DUPLICATE_ID, "owed:" + dead.getJMSMessageID());
        return copy;
    }

    private static BytesMessage jms(Session s, byte[] body, Map<String, Object> headers) throws JMSException {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(body);
        for (Map.Entry<String, Object> h : headers.entrySet()) {
            m.setObjectProperty(h.getKey(), h.getValue());
        }
        return m;
    }

    @Override
    public void close() {
        if (job != null) {
            job.close();
        }
    }
}
