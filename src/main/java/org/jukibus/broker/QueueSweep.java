package org.jukibus.broker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.apache.activemq.artemis.utils.SelectorTranslator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, counts or takes every message a selector picks on a queue of this node's broker, page files included, with
 * bounded memory (on {@code jukibus.dlq}: the dead-letter erasure, {@code jukibus dlq purge} and {@code replay --all},
 * the owed-notice round, {@link #walk}).
 *
 * <p>Why not the broker's own {@code QueueControl.removeMessages(filter)}: on a paged queue it reads every paged
 * message it walks past that does not match back into the queue's memory (Artemis 2.40 {@code QueueImpl.iterQueue}:
 * {@code addTail} of each non-matching paged reference), so its heap grows with the queue; the embedded broker shares
 * the node's heap, and an OutOfMemoryError there stops the node. Nor a consumer with the selector alone: the broker
 * matches a selector against what it holds in memory, and reads a paged queue back only up to its
 * {@code max-read-page-bytes}; once that much that does not match sits at the head, the consumer sees nothing more, and
 * paged matches would stay (for the erasure: personal data kept past its term).
 *
 * <p>So, in two steps, each in local transactions of at most {@value #BATCH_MESSAGES} messages and
 * {@value #BATCH_BYTES} bytes, and at most half the queue's {@code max-read-page-bytes} (what a transaction holds
 * counts toward it, and a transaction holding more would stop the read-back it waits for):
 * <ol>
 *   <li>a consumer with the selector takes what the broker can show it (no copy is written);</li>
 *   <li>if the broker's count (which walks the page files without reading them into the queue) still finds matches,
 *   a consumer without a selector takes the queue from its head, removes each match and puts every other message back
 *   at the tail as a copy, in the same transaction as its removal (a crash leaves either the message or its copy, never
 *   both, never neither), until it has removed as many as were counted or taken every message the queue held when it
 *   began. The broker reads the page files back as the consumer acknowledges, so the heap holds at most one
 *   transaction and the queue's read-back bound.</li>
 * </ol>
 * A copy keeps the body, priority and properties but the broker's duplicate id (the address's duplicate cache would
 * drop it), routing and scheduling properties; it is a new message ({@code JMSMessageID} changes) and keeps its time as
 * {@code JukibusRejectedAtMillis} if it had none (its own send time is new, and the erasure's age of a letter the
 * broker moved there itself is its send time). The result says how many matches the broker still counts afterwards.
 * The count ({@link #count}) is the broker's browsing iterator to the end of the queue, not its management count.
 */
public final class QueueSweep {

    private static final Logger log = LoggerFactory.getLogger(QueueSweep.class);

    /** At most this many messages in one transaction (and half the address's max-read-page-messages). */
    static final int BATCH_MESSAGES = 100;
    /** At most about this many body bytes in one transaction (and half the address's max-read-page-bytes, 10 MiB shipped). */
    static final int BATCH_BYTES = 4 * 1024 * 1024;
    /** How long a consumer waits for the next message (the broker reads page files back asynchronously). */
    private static final long RECEIVE_MILLIS = 2000;
    /** Empty receives in a row after which the walk ends (another consumer holds the rest, or the broker cannot read). */
    private static final int EMPTY_RECEIVES = 3;
    private static final String REJECTED_AT_MILLIS = "JukibusRejectedAtMillis";
    /** Properties a copy does not keep: the broker would drop it as a duplicate, route or schedule it otherwise. */
    private static final Set<String> NOT_COPIED = Set.of("_AMQ_DUPL_ID", "_AMQ_ROUTE_TO", "_AMQ_ACK_ROUTE_TO",
            "_AMQ_SCHED_DELIVERY", "_AMQ_SCHED_DELAY");

    private final ConnectionFactory local;
    private final ActiveMQServer broker;
    private final String queue;

    /**
     * @param local  the node's in-VM connection factory (consumer window 0: nothing waits unseen in a client buffer)
     * @param broker the broker {@code local} connects to ({@link NodeBroker#server()})
     */
    public QueueSweep(ConnectionFactory local, ActiveMQServer broker, String queue) {
        this.local = local;
        this.broker = broker;
        this.queue = queue;
    }

    /**
     * What a sweep came to.
     *
     * @param removed     messages removed
     * @param rewritten   messages put back at the tail as copies (the second step only)
     * @param walked      whether the second step ran (the selector alone could not reach every match)
     * @param left        matches still on the queue afterwards, page files, redelivery delays and other consumers'
     *                    deliveries included (0: none left; more: arrived meanwhile, or held by another consumer)
     */
    public record Swept(int removed, int rewritten, boolean walked, long left) {
        /** Whether every message the selector picks is gone from the queue. */
        public boolean complete() {
            return left == 0;
        }
    }

    /** Removes every message {@code selector} (JMS syntax) picks, page files included; see the class comment. */
    public Swept remove(String selector) throws Exception {
        Filter filter = filter(selector);
        if (count(filter) == 0) {
            return new Swept(0, 0, false, 0);
        }
        int removed = drain(selector);
        long left = count(filter);
        if (left == 0) {
            return new Swept(removed, 0, false, 0);
        }
        log.info("{} messages of {} that {} picks are beyond what the broker reads back of its page files: taking the "
                + "queue from its head, the others put back at its tail", left, queue, selector);
        Walked walked = walk(filter, (session, producer, m) -> NOTHING, left, queue().getMessageCount(), Integer.MAX_VALUE);
        return new Swept(removed + walked.taken(), walked.rewritten(), true, count(filter));
    }

    /**
     * How many messages {@code selector} (JMS syntax; null: all) picks on the queue, page files included: the broker's
     * browsing iterator (what {@code QueueControl.countMessages(filter)} walks too, without reading the page files back
     * into the queue), but to the end. The management count stops after {@code management-browse-page-size} messages
     * (200 by default): on a long queue it counts only the head.
     */
    public long count(String selector) throws Exception {
        return count(filter(selector));
    }

    private long count(Filter filter) throws Exception {
        long[] n = {0};
        scan(ref -> {
            if (filter == null || filter.match(ref.getMessage())) {
                n[0]++;
            }
        });
        return n[0];
    }

    /**
     * How many messages there are per value of a string property ("" for none), page files included, in one pass of
     * the whole queue: for a gauge, run it in the background, never on a request (a paged queue is read from disk).
     */
    public java.util.Map<String, Long> countBy(String property) throws Exception {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        scan(ref -> {
            Object value = ref.getMessage().getObjectProperty(property);
            counts.merge(value == null ? "" : value.toString(), 1L, Long::sum);
        });
        return counts;
    }

    /** Whether the queue's address pages now (a count then reads its page files from disk). */
    public boolean paging() {
        var store = queue().getPagingStore();
        return store != null && store.isPaging();
    }

    private interface Visit {
        void of(MessageReference ref) throws Exception;
    }

    /**
     * Every message of the queue once: what it holds and its page files (the browsing iterator, which does not read
     * them back into the queue), then those waiting out a redelivery delay and those out to a consumer, which the
     * iterator leaves out (a count too low would make a removal look complete). A NoSuchElementException (the page
     * files changed under the iterator) is thrown on, for the same reason.
     */
    private void scan(Visit visit) throws Exception {
        org.apache.activemq.artemis.core.server.Queue q = queue();
        try (LinkedListIterator<MessageReference> messages = q.browserIterator()) {
            while (messages.hasNext()) {
                visit.of(messages.next());
            }
        }
        for (MessageReference ref : q.getScheduledMessages()) {
            visit.of(ref);
        }
        for (List<MessageReference> delivering : q.getDeliveringMessages().values()) {
            for (MessageReference ref : delivering) {
                visit.of(ref);
            }
        }
    }

    private static Filter filter(String selector) throws Exception {
        return selector == null ? null
                : FilterImpl.createFilter(SimpleString.of(SelectorTranslator.convertToActiveMQFilterString(selector)));
    }

    /** Step 1: a consumer with the selector takes every match the broker can show it. */
    private int drain(String selector) throws Exception {
        int removed = 0;
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue), selector)) {
                Batch batch = new Batch();
                for (Message m = consumer.receive(RECEIVE_MILLIS); m != null; m = consumer.receive(RECEIVE_MILLIS)) {
                    removed++;
                    if (batch.add(m)) {
                        s.commit();
                    }
                }
                s.commit();
            } catch (Exception e) {
                s.rollback();
                throw e;
            } finally {
                s.close();
            }
        }
        return removed;
    }

    /**
     * What a walk does with a message its selector picks, in the walk's transaction: the message leaves the queue when
     * that commits (a removal does nothing more; a caller may send what goes with it, such as a notice and a marked
     * copy, through {@code producer}, which has no destination of its own).
     */
    @FunctionalInterface
    public interface Taker {
        /** @return what to run once the transaction holding it committed (a log line, a count), never null */
        Runnable take(Session s, MessageProducer producer, Message m) throws Exception;

        /** Taking {@code m} failed: the walk's transaction was rolled back and it goes on past {@code m}. */
        default void failed(Message m, Exception e) throws Exception {
            log.error("could not take message {} off the queue: {}", m.getJMSMessageID(), e.toString());
        }
    }

    /**
     * What a walk came to.
     *
     * @param taken     messages its selector picked that were taken (committed)
     * @param rewritten messages put back at the tail as copies
     * @param failures  messages whose taking failed (each put back at the tail as a copy once seen again)
     */
    public record Walked(int taken, int rewritten, int failures) {
    }

    /**
     * Step 2 on its own, for a caller that took what its own consumer's selector showed it: from the head of the queue,
     * without a selector, each message {@code selector} picks is given to {@code taker} and every other put back at the
     * tail as a copy, in transactions bounded as the sweep's; stops once it took as many as the count found at its
     * start, went once through the queue, or {@code maxFailures} takings failed. A failure rolls the transaction back
     * (what it held returns to the queue as it was) and the walk goes on; the one that failed is put back as a copy when
     * it comes round again, not given to {@code taker} twice in one walk.
     */
    public Walked walk(String selector, Taker taker, int maxFailures) throws Exception {
        Filter filter = filter(selector);
        long matches = count(filter);
        if (matches == 0) {
            return new Walked(0, 0, 0);
        }
        log.info("{} messages of {} that {} picks are beyond what the broker reads back of its page files: taking the "
                + "queue from its head, the others put back at its tail", matches, queue, selector);
        return walk(filter, taker, matches, queue().getMessageCount(), maxFailures);
    }

    private static final Runnable NOTHING = () -> { };

    /**
     * One walk of a queue at a time (the erasure, an owed-notice round and a purge run on threads of their own): two
     * would split the queue between them, each putting back at the tail what the other was to take.
     */
    private static final java.util.concurrent.ConcurrentMap<String, Object> WALKING = new java.util.concurrent.ConcurrentHashMap<>();

    /** Step 2: from the head, without a selector; stops once {@code matches} are taken or {@code depth} were received. */
    private Walked walk(Filter filter, Taker taker, long matches, long depth, int maxFailures) throws Exception {
        synchronized (WALKING.computeIfAbsent(broker.getConfiguration().getName() + "/" + queue, name -> new Object())) {
            return walkAlone(filter, taker, matches, depth, maxFailures);
        }
    }

    private Walked walkAlone(Filter filter, Taker taker, long matches, long depth, int maxFailures) throws Exception {
        int taken = 0;
        int rewritten = 0;
        long received = 0;
        java.util.Set<String> failed = new java.util.HashSet<>();
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
                Queue tail = s.createQueue(queue);
                MessageProducer producer = s.createProducer(null);
                Batch batch = new Batch();
                List<Runnable> reports = new ArrayList<>();
                int batchTaken = 0;
                int batchRewritten = 0;
                long batchReceived = 0;
                int empty = 0;
                // a failed one counts toward the matches: one that always fails must not send every walk to the end
                while (taken + batchTaken + failed.size() < matches && received + batchReceived < depth
                        && empty < EMPTY_RECEIVES && failed.size() < maxFailures) {
                    Message m = consumer.receive(RECEIVE_MILLIS);
                    boolean commit = m == null;
                    if (m == null) {
                        empty++; // and commit: what this transaction holds may be what keeps the broker from reading on
                    } else {
                        empty = 0;
                        batchReceived++;
                        boolean picked = (filter == null || filter.match(((ActiveMQMessage) m).getCoreMessage()))
                                && !failed.contains(m.getJMSMessageID());
                        if (picked) {
                            try {
                                reports.add(taker.take(s, producer, m));
                                batchTaken++;
                            } catch (Exception e) {
                                s.rollback(); // all this transaction held returns to the queue as it was
                                failed.add(m.getJMSMessageID());
                                taker.failed(m, e);
                                reports.clear();
                                batchTaken = 0;
                                batchRewritten = 0;
                                batchReceived = 0;
                                batch.committed();
                                continue;
                            }
                        } else {
                            producer.send(tail, copy(s, m), DeliveryMode.PERSISTENT, m.getJMSPriority(), 0);
                            batchRewritten++;
                        }
                        commit = batch.add(m);
                    }
                    if (commit) {
                        s.commit();
                        batch.committed();
                        taken += batchTaken;
                        rewritten += batchRewritten;
                        received += batchReceived;
                        batchTaken = 0;
                        batchRewritten = 0;
                        batchReceived = 0;
                        reports.forEach(Runnable::run);
                        reports.clear();
                    }
                }
                s.commit();
                taken += batchTaken;
                rewritten += batchRewritten;
                received += batchReceived;
                reports.forEach(Runnable::run);
                if (taken + failed.size() < matches && received < depth && failed.size() < maxFailures) {
                    log.warn("the walk of {} received {} of its {} messages and then none for {} s: another consumer "
                            + "holds them, or the broker did not read its page files on", queue, received, depth,
                            EMPTY_RECEIVES * RECEIVE_MILLIS / 1000);
                }
            } catch (Exception e) {
                s.rollback();
                throw e;
            } finally {
                s.close();
            }
        }
        return new Walked(taken, rewritten, failed.size());
    }

    @SuppressWarnings("unchecked")
    private static Message copy(Session s, Message m) throws Exception {
        Message copy;
        if (m instanceof BytesMessage body) {
            BytesMessage bytesCopy = s.createBytesMessage();
            body.reset();
            byte[] bytes = new byte[(int) body.getBodyLength()];
            body.readBytes(bytes);
            bytesCopy.writeBytes(bytes);
            copy = bytesCopy;
        } else if (m instanceof jakarta.jms.TextMessage text) { // what a client other than the node may have sent
            copy = s.createTextMessage(text.getText());
        } else if (m instanceof jakarta.jms.MapMessage || m instanceof jakarta.jms.ObjectMessage
                || m instanceof jakarta.jms.StreamMessage) {
            // never deserialized here; the walk fails loudly (the erasure's run with it) rather than drop or change it
            throw new IllegalStateException("message " + m.getJMSMessageID() + " on " + m.getJMSDestination()
                    + " is a " + m.getClass().getSimpleName() + ", which the walk cannot put back unchanged: remove it "
                    + "(jukibus dlq purge of its flow) or move it with the broker's tools");
        } else {
            copy = s.createMessage(); // no body
        }
        for (String name : Collections.list((java.util.Enumeration<String>) m.getPropertyNames())) {
            if (!name.startsWith("JMS") && !name.startsWith("__") && !NOT_COPIED.contains(name)) {
                copy.setObjectProperty(name, m.getObjectProperty(name));
            }
        }
        if (!m.propertyExists(REJECTED_AT_MILLIS)) {
            copy.setLongProperty(REJECTED_AT_MILLIS, m.getJMSTimestamp());
        }
        return copy;
    }

    /**
     * Bounds one transaction by messages and bytes, at most half of what the queue's address reads back of its page
     * files (what a transaction holds counts toward that: a larger one would wait for a read-back it stops itself);
     * {@link #add} says when to commit (and starts counting anew).
     */
    private final class Batch {
        private final int maxMessages;
        private final long maxBytes;
        private int messages;
        private long bytes;

        Batch() {
            AddressSettings settings = broker.getAddressSettingsRepository().getMatch(queue);
            int readMessages = settings.getMaxReadPageMessages();
            int readBytes = settings.getMaxReadPageBytes();
            maxMessages = readMessages > 0 ? Math.max(1, Math.min(BATCH_MESSAGES, readMessages / 2)) : BATCH_MESSAGES;
            maxBytes = readBytes > 0 ? Math.max(1, Math.min(BATCH_BYTES, readBytes / 2)) : BATCH_BYTES;
        }

        boolean add(Message m) throws Exception {
            messages++;
            bytes += m instanceof BytesMessage b ? b.getBodyLength() : 0;
            if (messages < maxMessages && bytes < maxBytes) {
                return false;
            }
            messages = 0; // the caller commits now
            bytes = 0;
            return true;
        }

        void committed() {
            messages = 0;
            bytes = 0;
        }
    }

    private org.apache.activemq.artemis.core.server.Queue queue() {
        org.apache.activemq.artemis.core.server.Queue found = broker.locateQueue(SimpleString.of(queue));
        if (found == null) {
            throw new IllegalStateException("this node's broker has no queue " + queue);
        }
        return found;
    }
}
