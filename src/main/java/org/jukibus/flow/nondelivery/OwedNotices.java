package org.jukibus.flow.nondelivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.clock.NodeClock;
import org.jukibus.core.PeriodicJob;
import org.jukibus.broker.QueueSweep;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Answers;
import org.jukibus.flow.DeliveryFailures;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeRejectedException;
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
 *   <li>An unmarked dead letter of a failure that is not final is owed one too, exactly when its dead-lettering would
 *   have marked it owed ({@link UnmarkedDeadLetters}).</li>
 * </ul>
 * A message delivered here by another copy (the seen messages, {@link SeenMessages}) owes nothing: its dead letter
 * is marked {@value NonDeliveryNotices#NONE}, no notice goes (its receipt is its outcome). A message whose sender was already sent a notice about
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

    /**
     * How long a dead letter whose notice could not be made is left out of the rounds before it is tried again. Each try
     * takes it and puts a full copy back (a journal record, on a paged queue a new copy of its personal data in a page
     * file): weekly, not daily. Not on each directory update: the directory's serial changes with any node's update,
     * which would not bound the rewrites; and its sender (gone from the directory, or revoked) can be told nothing
     * meanwhile, so a week's wait loses nothing.
     */
    static final Duration NOT_TOLD_RETRY = Duration.ofDays(7);
    /** Failed dead letters after which a pass stops: something other than one dead letter is wrong. */
    static final int MAX_FAILURES = 10;
    /** The signed header of an envelope this node can verify (its signature, its sender in the directory). */
    @FunctionalInterface
    public interface SignedHeaders {
        /**
         * @return the verified header (of an envelope refused for its age or payload only, too)
         * @throws EnvelopeRejectedException refused before its signature verified ({@link UnmarkedDeadLetters} tells
         *                                   one that never will from one that may yet)
         * @throws RuntimeException          it cannot be verified now (the directory, a revocation list, the store)
         */
        EnvelopeHeader of(byte[] envelope) throws EnvelopeRejectedException;
    }

    private final ConnectionFactory local;
    private final SeenMessages seen;
    private final NonDeliveryNotices notices;
    private final Answers answers;
    private final CamelContext camel;
    private final Clock clock;
    private final Duration receiverWindow;
    private final OperationLog audit;
    private final UnmarkedDeadLetters unmarked;
    private final QueueSweep sweep;
    /** Due owed dead letters the last round could not take (see {@link #unseen}); a gauge the alert rules watch. */
    private final AtomicLong unseen = new AtomicLong();
    private PeriodicJob job;

    /**
     * @param receiverWindow the age past which this node refuses an envelope as EXPIRED (a replay included)
     * @param audit          where a notice that cannot be made is recorded, once per dead letter
     * @param signedHeaders  verifies the envelope of an unmarked dead letter
     * @param messageTypeOf the signed message type of a flow (null if this node does not know it)
     * @param sweep         counts the dead letters a selector picks, page files included, and walks the queue from
     *                      its head for those a consumer's selector cannot see (on {@link #DLQ})
     * @param registry      where {@code jukibus.dlq.owed.unseen} is kept
     */
    public OwedNotices(ConnectionFactory local, SeenMessages seen, NonDeliveryNotices notices, Answers answers,
                       CamelContext camel, Clock clock, Duration receiverWindow, OperationLog audit,
                       SignedHeaders signedHeaders, Function<String, String> messageTypeOf, QueueSweep sweep,
                       MeterRegistry registry) {
        this.audit = audit;
        this.unmarked = new UnmarkedDeadLetters(local, signedHeaders, messageTypeOf, clock);
        this.sweep = sweep;
        Gauge.builder("jukibus.dlq.owed.unseen", unseen, AtomicLong::get)
                .description("Owed dead letters past the receiver window that the last owed-notice round could not take "
                        + "(held by another consumer, put back after a failure, or not read from the page files)")
                .register(registry);
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
        Instant now = NodeClock.forForgetting(clock);
        unmarked.adopt(null);
        String due = due(now);
        Passed passed = beyond(pass(due, DeliveryFailures.TRANSIENT_EXPIRED, true, now), due,
                DeliveryFailures.TRANSIENT_EXPIRED, true, now);
        if (!passed.stopped()) {
            unseen(due, passed);
        }
        return passed.taken();
    }

    /**
     * After a pass: the dead letters {@code selector} picks that its consumer could not see (in page files: a consumer's
     * selector sees only what the broker reads back, {@code max-read-page-bytes}), taken the same way by a walk of the
     * queue from its head ({@link QueueSweep#walk}: every other dead letter is put back at the tail as a copy, in the
     * same transaction), in transactions of up to 100 dead letters; a failure rolls its transaction back and the walk
     * goes on past the one that failed. Only when the broker still counts some (page files included): an idle round
     * costs one count.
     */
    private Passed beyond(Passed passed, String selector, String reason, boolean keep, Instant now) throws Exception {
        if (passed.stopped()) {
            return passed;
        }
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        Set<String> failed = new LinkedHashSet<>(passed.failed());
        QueueSweep.Walked walked = sweep.walk(selector + notIn(passed.failed()), new QueueSweep.Taker() {
            @Override
            public Runnable take(Session s, MessageProducer producer, jakarta.jms.Message dead) throws Exception {
                Taken outcome = OwedNotices.this.take(s, producer, s.createQueue(DLQ), dead, reason, keep, now);
                return () -> {
                    outcome.report().run();
                    if (outcome.counted()) {
                        taken.incrementAndGet();
                    }
                };
            }

            @Override
            public void failed(jakarta.jms.Message dead, Exception e) throws JMSException {
                failed.add(dead.getJMSMessageID());
                log.error("could not give dead letter {} the non-delivery notice its sender is owed{}: {}",
                        dead.getJMSMessageID(), keep ? " (tried again in the next round)" : ": it is not purged, it stays owed",
                        e.toString());
            }
        }, MAX_FAILURES - passed.failed().size());
        boolean stopped = failed.size() >= MAX_FAILURES;
        if (stopped && walked.failures() > 0) {
            log.error("{} dead letters could not be given their owed notice in this {}: it stops, the rest wait "
                    + "for the next one", failed.size(), keep ? "round" : "purge");
        }
        return new Passed(passed.taken() + taken.get(), failed, stopped);
    }

    /**
     * After a round, the owed dead letters still due that it did not fail on: the round's walk ({@link #beyond}) takes
     * those in page files too, so what is left arrived meanwhile, was held by another consumer (a purge, a replay), or
     * was put back after a failure as a copy. The count goes through the page files to the end of the queue. If the
     * round took none at all, ERROR; the gauge {@code jukibus.dlq.owed.unseen} says how many either way (alert
     * {@code JukibusOwedNoticesStalled}).
     */
    private void unseen(String due, Passed passed) {
        long left;
        try {
            left = sweep.count(due + notIn(passed.failed()));
        } catch (Exception e) {
            log.error("could not count the owed dead letters still due after the round: {}", e.toString());
            return;
        }
        unseen.set(left);
        if (left > 0 && passed.taken() == 0) {
            log.error("{} owed dead letters are past the receiver window but the round could take none of them (another "
                    + "consumer held them, or the broker did not read its page files on: see the log before); they are "
                    + "tried again in the next round", left);
        } else if (left > 0) {
            log.warn("{} owed dead letters past the receiver window are left for the next round (the round took {}; "
                    + "another consumer held them, or they were put back after a failure)", left, passed.taken());
        }
    }

    /** Currently what {@code jukibus.dlq.owed.unseen} shows. */
    long unseen() {
        return unseen.get();
    }

    private static String notIn(Set<String> ids) {
        return ids.isEmpty() ? "" : " AND JMSMessageID NOT IN ('" + String.join("', '", ids) + "')";
    }

    /**
     * A selector: the owed dead letters whose envelope is older than the receiver window (a dead letter made before its
     * created-at was kept in milliseconds: its rejection time, later, so told later, never too early; one with neither
     * is never due by age, told when purged), leaving out one whose notice could not be made less than
     * {@link #NOT_TOLD_RETRY} ago. The broker picks them: one pass over what it holds in memory (not its page files:
     * {@link #unseen}).
     */
    private String due(Instant now) {
        long createdBefore = now.minus(receiverWindow).toEpochMilli();
        long triedBefore = now.minus(NOT_TOLD_RETRY).toEpochMilli();
        return TELLABLE + " AND (" + Headers.CREATED_AT_MILLIS + " < " + createdBefore + " OR (" + Headers.CREATED_AT_MILLIS
                + " IS NULL AND " + Headers.REJECTED_AT_MILLIS + " < " + createdBefore + ")) AND ("
                + Headers.SENDER_NOT_TOLD_AT_MILLIS + " IS NULL OR " + Headers.SENDER_NOT_TOLD_AT_MILLIS + " < " + triedBefore + ")";
    }

    @Override
    public int tellAndRemove(String selector) throws Exception {
        unmarked.adopt(selector); // one it purges that was never marked is owed its notice before it goes for good too
        String tellable = selector == null ? TELLABLE : "(" + selector + ") AND " + TELLABLE;
        Instant now = NodeClock.forForgetting(clock);
        return beyond(pass(tellable, null, false, now), tellable, null, false, now).taken();
    }

    /**
     * One pass of one consumer over the dead letters {@code selector} picks, each taken, told and (if {@code keep}) put
     * back in its own local transaction (see {@link #take}); what is put back no longer matches, so the pass ends. A
     * dead letter whose transaction fails is rolled back, stays as it was (owed, for the next round or purge), and the
     * pass goes on past it with a new consumer that leaves it out; after {@value #MAX_FAILURES} such failures in one
     * pass (the store or the broker is down) the rest waits for the next. Returns how many it took off the queue for
     * good or marked told.
     */
    private Passed pass(String selector, String reason, boolean keep, Instant now) throws JMSException {
        int taken = 0;
        Set<String> failed = new LinkedHashSet<>();
        int failures = 0; // counted apart from the set: bounds the pass even if one came back to a new consumer
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try {
                Queue dlq = s.createQueue(DLQ);
                MessageProducer producer = s.createProducer(null);
                boolean again = true;
                while (again) {
                    again = false;
                    String leavingOut = failed.isEmpty() ? selector
                            : "(" + selector + ") AND JMSMessageID NOT IN ('" + String.join("', '", failed) + "')";
                    try (MessageConsumer consumer = s.createConsumer(dlq, leavingOut)) {
                        for (jakarta.jms.Message dead = consumer.receive(1000); dead != null; dead = consumer.receive(1000)) {
                            String id = dead.getJMSMessageID();
                            Taken outcome;
                            try {
                                outcome = take(s, producer, dlq, dead, reason, keep, now);
                                s.commit();
                            } catch (Exception e) { // this one stays owed and is tried again later; the others go on
                                s.rollback();
                                failed.add(id);
                                failures++;
                                log.error("could not give dead letter {} the non-delivery notice its sender is owed{}: {}", id,
                                        keep ? " (tried again in the next round)" : ": it is not purged, it stays owed", e.toString());
                                again = failures < MAX_FAILURES; // a rollback returns it to the queue: a new consumer
                                break;
                            }
                            outcome.report().run();
                            if (outcome.counted()) {
                                taken++;
                            }
                        }
                    }
                }
                if (failures >= MAX_FAILURES) {
                    log.error("{} dead letters could not be given their owed notice in this {}: it stops, the rest wait "
                            + "for the next one", failures, keep ? "round" : "purge");
                }
            } finally {
                s.close();
            }
        }
        return new Passed(taken, failed, failures >= MAX_FAILURES);
    }

    /** What a pass came to: how many it took (told, or nothing owed), which failed, and whether it stopped early. */
    private record Passed(int taken, Set<String> failed, boolean stopped) {
    }

    /** What taking one dead letter came to: whether it counts, and what to log once its transaction committed. */
    private record Taken(boolean counted, Runnable report) {
    }

    /**
     * In the session's transaction, with the dead letter {@code dead} received (taken off the queue): sends its sender's
     * notice (reason {@code reason}, or the dead letter's own) and, if {@code keep}, puts it back marked told (or, if
     * another copy was delivered, sends nothing and puts it back marked {@value NonDeliveryNotices#NONE}). A notice that cannot be made (the sender
     * left the directory or was revoked): a round puts it back still owed, marked with why (logged at ERROR and in the
     * operation log the first time only, tried again after {@link #NOT_TOLD_RETRY}); a purge removes it untold.
     */
    private Taken take(Session s, MessageProducer producer, Queue dlq, jakarta.jms.Message dead, String reason,
                       boolean keep, Instant now) throws Exception {
        if (!(dead instanceof BytesMessage body)) {
            throw new IllegalStateException("not a bytes message: not a dead letter this node made");
        }
        String id = dead.getJMSMessageID();
        String sender = dead.getStringProperty(Headers.SENDER);
        String messageId = dead.getStringProperty(Headers.MESSAGE_ID);
        String flow = dead.getStringProperty(Headers.FLOW);
        if (seen.check(sender, messageId, id) != SeenMessages.Verdict.NEW) {
            // another copy was delivered here (a copy in flight, a redelivery): its receipt is its outcome
            if (keep) {
                producer.send(dlq, DeadLetterCopy.of(s, body, NonDeliveryNotices.NONE, null));
            }
            return new Taken(true, () -> log.info("{} message {} from {}, dead letter {}: another copy was delivered, "
                    + "nothing owed to its sender", flow, messageId, sender, id));
        }
        String told = reason != null ? reason : NonDeliveryNotices.reasonCode(dead.getStringProperty(Headers.REJECT_REASON));
        Answer owedNotice = notices.notice(sender, messageId, flow, told);
        if (notices.alreadySent(owedNotice)) {
            // told before (an expired copy of the message was refused and told): once is all it is owed
            if (keep) {
                producer.send(dlq, DeadLetterCopy.of(s, body, NonDeliveryNotices.TOLD, clock.instant()));
            }
            return new Taken(true, () -> log.info("{} message {} from {}, dead letter {}: its sender was already sent a "
                    + "non-delivery notice about it, no second one{}", flow, messageId, sender, id,
                    keep ? "; the dead letter stays, marked " + NonDeliveryNotices.TOLD : ", and the dead letter is removed"));
        }
        org.apache.camel.Message notice;
        try {
            notice = answers.sealAll(new DefaultExchange(camel), List.of(owedNotice)).get(0);
        } catch (IllegalArgumentException e) {
            if (!keep) { // a purge of a message whose sender left the directory or was revoked: nobody can be told
                return new Taken(true, () -> log.warn("{} message {} from {}, dead letter {}, purged without the notice its "
                        + "sender was owed: {}", flow, messageId, sender, id, e.getMessage()));
            }
            return notTold(s, producer, dlq, body, e.getMessage(), now);
        }
        producer.send(s.createQueue(NonDeliveryNotices.OUTBOUND), jms(s, notice.getBody(byte[].class), notice.getHeaders()));
        if (keep) {
            producer.send(dlq, DeadLetterCopy.of(s, body, NonDeliveryNotices.TOLD, clock.instant()));
        }
        return new Taken(true, () -> log.warn("{} message {} from {}, dead letter {}, can no longer be delivered: its sender "
                + "was sent the non-delivery notice it was owed ({}){}", flow, messageId, sender, id, told,
                keep ? "; the dead letter stays, marked " + NonDeliveryNotices.TOLD : ", and the dead letter is removed"));
    }

    /**
     * The owed dead letter put back as it was, still owed, marked with why its notice cannot be made and when that was
     * tried: left out of the rounds for {@link #NOT_TOLD_RETRY}, and said once (ERROR, operation log), not every round
     * for the months until the directory lists its sender again or an operator purges it (a log flood hides the errors
     * that matter); {@code jukibus dlq list} shows why all along.
     */
    private Taken notTold(Session s, MessageProducer producer, Queue dlq, BytesMessage dead, String why, Instant now)
            throws JMSException {
        String id = dead.getJMSMessageID();
        String sender = dead.getStringProperty(Headers.SENDER);
        String messageId = dead.getStringProperty(Headers.MESSAGE_ID);
        String flow = dead.getStringProperty(Headers.FLOW);
        String type = dead.getStringProperty(Headers.TYPE);
        boolean first = dead.getStringProperty(Headers.SENDER_NOT_TOLD) == null;
        BytesMessage copy = DeadLetterCopy.of(s, dead, NonDeliveryNotices.OWED, null);
        copy.setStringProperty(Headers.SENDER_NOT_TOLD, why);
        copy.setLongProperty(Headers.SENDER_NOT_TOLD_AT_MILLIS, now.toEpochMilli());
        producer.send(dlq, copy);
        if (!first) {
            return new Taken(false, () -> log.debug("{} message {} from {}, dead letter {}: its sender still cannot be told "
                    + "({}), tried again in {}", flow, messageId, sender, id, why, NOT_TOLD_RETRY));
        }
        return new Taken(false, () -> {
            log.error("{} message {} from {}, dead letter {}: its sender is owed a non-delivery notice that cannot be made "
                    + "({}); the dead letter stays owed (jukibus dlq list says why), tried again once a week without this "
                    + "error; a purge removes it untold", flow, messageId, sender, id, why);
            try {
                audit.record(AuditEvent.of(AuditKind.SENDER_NOT_TOLD).flow(flow).message(messageId, type).sender(sender)
                        .detail("dead letter " + id + ": " + why));
            } catch (RuntimeException e) { // the ERROR above says it; the operation log's own health says it is down
                log.error("operation log line missing: {} message {} from {} cannot be told: {}", flow, messageId, sender,
                        e.getMessage());
            }
        });
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
