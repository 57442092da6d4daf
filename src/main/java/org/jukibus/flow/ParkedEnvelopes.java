package org.jukibus.flow;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.jukibus.broker.NodeBroker;
import org.jukibus.core.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelopes for a peer that is down, kept on disk where nothing consumes them: one parking queue per peer,
 * {@code jukibus.parked.<peer code>} (broker-config: paged, no redelivery delay, only this node may send or consume), and
 * beside it {@code jukibus.parked.<peer code>.refused} for the envelopes its broker refused ({@link #refusedQueueOf}),
 * which a hold keeps back while the peer's other mail goes.
 *
 * <p>Why: a forwarder that failed and rolled back an envelope for a down peer left it waiting out its redelivery
 * delay, and Artemis keeps such a message in memory, counted toward no bound; within a minute the whole backlog of a
 * down peer was read back from its pages into the heap (OutageBacklogIT). A parked envelope is in a queue with no
 * consumer: it stays in its pages.
 *
 * <p>{@link #park} copies the envelope to its peer's parking queue on the session that received it; the caller's
 * commit acknowledges the original with it, so a crash keeps exactly one of the two. The copy is the same envelope
 * (body and every property) without the local duplicate id ({@code _AMQ_DUPL_ID}): the duplicate caches of the
 * parking and outbound addresses would otherwise drop a second park or the move back, a silent loss. The peer still
 * drops a second copy: the forwarder sends it with the message id as its duplicate id.
 *
 * <p>Parked envelopes go back to {@code jukibus.outbound} in transactions of at most {@value #BATCH_MESSAGES}
 * envelopes or {@value #BATCH_BYTES} bytes (each batch atomic, nothing read into the heap beyond one batch):
 * <ul>
 *   <li>when the peer's link answers again ({@link #releaseFor}, from PeerLinks);</li>
 *   <li>every {@code check}: the peers whose link is not known down (the peer came back between the failure and the
 *       park's commit; after a start nothing is known down, so the first check returns everything for one try);</li>
 *   <li>every {@code review}, what is no longer a matter of waiting, for the forwarder to decide: all of a peer
 *       removed from the directory or revoked (dead letters), and of a peer still down the expired envelopes at the
 *       head of its queue ({@link #dueAtHead}: each becomes an EXPIRED dead letter, its sender told). The rest stays
 *       where it is: a review reads a down peer's queue only up to its first envelope within the outage window and
 *       rewrites nothing that is not due.</li>
 * </ul>
 * A move takes only as many as the queue held when it began: what the forwarder parks again meanwhile waits for the
 * next one. All moves run on one thread of their own, never on the link's recheck thread.
 */
public final class ParkedEnvelopes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ParkedEnvelopes.class);

    public static final String PREFIX = NodeBroker.PARKED_PREFIX;
    static final String OUTBOUND = WaitingMessages.OUTBOUND;
    static final int BATCH_MESSAGES = 100;
    static final long BATCH_BYTES = 4L * 1024 * 1024;
    /** How long a paced move waits for the forwarders to take a batch before it moves the next. */
    static final Duration PACE_WAIT = Duration.ofSeconds(10);
    /** Peer codes are the directory's; anything else would name a queue outside the parking pattern. */
    private static final Pattern PEER = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ActiveMQServer broker;
    private final ConnectionFactory local;
    /** Peers this node parked for since their last move back: their first park is logged, not every one. */
    private final Set<String> parking = ConcurrentHashMap.newKeySet();
    /** Peers with a move back queued: a second request while one waits adds nothing. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService mover;
    // what the periodic moves ask, set by schedule() (before it nothing moves but releaseFor)
    private volatile Predicate<String> knownDown = peer -> false;
    private volatile Predicate<String> refused;
    private volatile Duration outageWindow;
    private volatile java.time.Clock clock;
    private volatile Duration checkEvery;
    /** Peers whose broker refused envelopes of this node, and until when their parked ones are held back. */
    private final java.util.Map<String, Hold> refusing = new ConcurrentHashMap<>();

    /** The refusal rounds of a peer in a row, and the end of the present one's hold. */
    private record Hold(int rounds, java.time.Instant until) {
    }

    /** The longest hold: 2^6 checks (about an hour with the default check). */
    static final int MAX_HOLD_ROUNDS = 6;

    /**
     * @param broker the node's broker (queue counts)
     * @param local  a connection factory of the node's own broker (the moves back)
     */
    public ParkedEnvelopes(ActiveMQServer broker, ConnectionFactory local) {
        this.broker = broker;
        this.local = local;
        this.mover = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jukibus-parked-envelopes");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * What is wrong with the running broker.xml for parking, if anything: an approved broker.xml from before parking
     * has no {@code jukibus.parked.#} address setting, so no parking queue can be created and a down peer's envelopes
     * are retried from memory as before (each park fails and rolls back), until the officer approves the new one.
     */
    public static java.util.Optional<String> missingSettings(ActiveMQServer broker) {
        if (broker == null || broker.getAddressSettingsRepository() == null) {
            return java.util.Optional.empty();
        }
        // the refused envelopes' queue as well: a setting for "jukibus.parked.*" would cover the peer's queue only
        boolean parks = true;
        for (String queue : java.util.List.of(queueOf("000000"), refusedQueueOf("000000"))) {
            org.apache.activemq.artemis.core.settings.impl.AddressSettings parking =
                    broker.getAddressSettingsRepository().getMatch(queue);
            parks &= parking.isAutoCreateQueues() && parking.isAutoCreateAddresses() && !parking.isAutoDeleteQueues();
        }
        if (parks) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("the broker.xml in force has no address-setting for " + PREFIX + "# (auto-created,"
                + " never auto-deleted parking queues): envelopes for a peer that is down cannot be parked and are retried"
                + " from memory as before this release, and each attempt fails; have this release's broker.xml approved");
    }

    /** The parking queue of a peer. */
    public static String queueOf(String peer) {
        if (peer == null || !PEER.matcher(peer).matches()) {
            throw new IllegalArgumentException("no parking queue for a peer code like " + peer);
        }
        return PREFIX + peer;
    }

    /**
     * The parking queue of the envelopes a peer's broker refused, {@code jukibus.parked.<peer>.refused}: apart from the
     * peer's other parked mail, which a hold must never keep behind them (analysis-merge11 M4: a selector cannot read
     * past the refused ones once the queue pages). Under the same address settings as every parking queue
     * ({@code jukibus.parked.#}: made at its first park, paged, only this node may use it); a peer code has no dot, so
     * it names no other peer's queue.
     */
    public static String refusedQueueOf(String peer) {
        return queueOf(peer) + NodeBroker.REFUSED_SUFFIX;
    }

    /**
     * Starts the periodic moves back: every {@code check} those of the peers {@code knownDown} does not name, every
     * {@code review} what {@link #review()} finds due.
     *
     * @param refused      whether a peer is no longer one to send to (not in the directory, revoked)
     * @param outageWindow jukibus.envelope.outage-window
     * @param clock        the node clock (the outage window is a decision by time)
     */
    public ParkedEnvelopes schedule(Predicate<String> knownDown, Predicate<String> refused, Duration outageWindow,
                                    java.time.Clock clock, Duration check, Duration review) {
        this.knownDown = knownDown;
        this.refused = refused;
        this.outageWindow = outageWindow;
        this.clock = clock;
        this.checkEvery = check;
        mover.scheduleWithFixedDelay(PeriodicJob.guarded("parked envelopes check", check, this::check),
                check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
        mover.scheduleWithFixedDelay(PeriodicJob.guarded("parked envelopes review", review, this::review),
                review.toMillis(), review.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Parks the envelope the route's JMS consumer received, on the route's own (transacted) session: its commit takes
     * the envelope off the outbound queue and puts the copy on the peer's parking queue, or neither.
     */
    public void park(Exchange exchange, String peer) throws JMSException {
        JmsMessage in = exchange.getIn(JmsMessage.class);
        if (in == null || in.getJmsSession() == null || in.getJmsMessage() == null) {
            throw new IllegalStateException("envelope for " + peer + " was not received from a JMS queue: cannot park it");
        }
        park(in.getJmsSession(), in.getJmsMessage(), peer, exchange.getIn().getHeader(Headers.PEER_REFUSAL, String.class));
    }

    /**
     * Puts a copy of {@code message} (received on {@code session}) on {@code peer}'s parking queue, in the session's
     * transaction; the caller commits it together with the acknowledgement of {@code message}.
     *
     * @throws IllegalStateException the session is not transacted (the copy and the acknowledgement would not be
     *                               one: a crash between them would lose the envelope or keep it twice)
     */
    public void park(Session session, Message message, String peer) throws JMSException {
        park(session, message, peer, null);
    }

    /**
     * As {@link #park(Session, Message, String)}; {@code refusal} (null: the peer is down) is why the peer's broker
     * refused it, kept on the copy ({@link Headers#PEER_REFUSAL}): only such envelopes are held back while the peer
     * refuses ({@link #refusedBy}), its others go back at the check.
     */
    public void park(Session session, Message message, String peer, String refusal) throws JMSException {
        if (!session.getTransacted()) {
            throw new IllegalStateException("parking needs the transacted session that received the envelope");
        }
        String queue = refusal == null ? queueOf(peer) : refusedQueueOf(peer);
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        try {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            BytesMessage copy = copy(session, message);
            if (refusal != null) {
                copy.setStringProperty(Headers.PEER_REFUSAL, refusal);
            }
            producer.send(copy);
        } finally {
            producer.close();
        }
        if (refusal == null && parking.add(peer)) { // a refusal is logged by the forwarder, with its reason
            log.info("peer {} is down or slow: its envelopes wait in {} (on disk) until its link answers (a slow peer's go on"
                    + " the slow lane, flow.SlowLane)", peer, queue);
        }
    }

    /**
     * The peer's broker refused an envelope of this node on a line that works (an address it lacks, a permission it does
     * not give this node; the envelope is parked, the peer is not down). Its parked envelopes are then held back from the
     * check: 2 checks after the first round of refusals, twice as long after each round refused again, at most
     * 2^{@value #MAX_HOLD_ROUNDS} checks; a refusal after a quiet spell (no refusal for as long again as its hold)
     * starts over. So a peer that refuses everything (it took away this node's permissions) costs a send per envelope
     * per hold, not per check, and no loop. Its expired envelopes are still reviewed (dead letters, the senders told),
     * and its return after a real outage (releaseFor) moves everything back at once.
     *
     * @return whether this refusal starts a new round (the caller logs it; the others of the round are counted only)
     */
    public boolean refusedBy(String peer) {
        java.time.Clock now = clock;
        Duration every = checkEvery;
        if (now == null || every == null) { // not scheduled: nothing is checked, nothing to hold
            return true;
        }
        java.time.Instant at = now.instant();
        boolean[] round = {false};
        refusing.compute(peer, (p, hold) -> {
            if (hold != null && at.isBefore(hold.until())) {
                return hold; // the same round: the envelopes moved back once, refused one after the other
            }
            round[0] = true;
            boolean quiet = hold == null
                    || at.isAfter(hold.until().plus(every.multipliedBy(1L << hold.rounds())));
            int rounds = quiet ? 1 : Math.min(hold.rounds() + 1, MAX_HOLD_ROUNDS);
            return new Hold(rounds, at.plus(every.multipliedBy(1L << rounds)));
        });
        return round[0];
    }

    /** Whether the peer's parked envelopes are held back from the check now: its broker refused some ({@link #refusedBy}). */
    boolean held(String peer) {
        Hold hold = refusing.get(peer);
        java.time.Clock now = clock;
        Duration every = checkEvery;
        if (hold == null || now == null || every == null) {
            return false;
        }
        java.time.Instant at = now.instant();
        // a hold ending further off than the longest one is a clock set back since (review-fwdlink L2): lapsed
        return at.isBefore(hold.until()) && !hold.until().isAfter(at.plus(every.multipliedBy(1L << MAX_HOLD_ROUNDS)));
    }

    /** Moves {@code peer}'s parked envelopes back to the outbound queue soon, on the mover's thread. */
    public void releaseFor(String peer) {
        if (!queued.add(peer)) {
            return;
        }
        try {
            mover.execute(() -> {
                queued.remove(peer);
                try {
                    moveBack(peer, Long.MAX_VALUE, true);
                    moveBack(refusedQueueOf(peer), peer, Long.MAX_VALUE, true); // back after an outage: tried again at once
                } catch (Exception e) {
                    log.warn("the envelopes parked for {} could not be moved back now (the next check tries again): {}",
                            peer, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(peer); // closing
        }
    }

    /** Envelopes parked now, by peer, refused ones included (the broker's counts: nothing is read). */
    public java.util.Map<String, Long> counts() {
        return countsOf(broker);
    }

    /** Envelopes parked now in {@code broker}, by peer (its refused ones included), from the broker's counts. */
    public static java.util.Map<String, Long> countsOf(ActiveMQServer broker) {
        java.util.Map<String, Long> counts = new TreeMap<>();
        queueCounts(broker).forEach((queue, count) -> counts.merge(NodeBroker.parkedPeer(queue), count, Long::sum));
        return Collections.unmodifiableMap(counts);
    }

    /** Envelopes parked now in {@code broker}, by parking queue (a peer's and its refused ones'). */
    private static java.util.Map<String, Long> queueCounts(ActiveMQServer broker) {
        java.util.Map<String, Long> counts = new TreeMap<>();
        if (broker == null || !broker.isActive()) {
            return counts;
        }
        for (String name : broker.getActiveMQServerControl().getQueueNames()) {
            if (name.startsWith(PREFIX)) {
                Queue queue = broker.locateQueue(SimpleString.of(name));
                if (queue != null) {
                    counts.put(name, queue.getMessageCount());
                }
            }
        }
        return counts;
    }

    /** The peer whose envelopes wait in parking queue {@code queue}, and whether they are the ones its broker refused. */
    private record Parking(String queue, String peer, boolean refused) {
        static Parking of(String queue) {
            return new Parking(queue, NodeBroker.parkedPeer(queue), queue.endsWith(NodeBroker.REFUSED_SUFFIX));
        }
    }

    /**
     * The check: every parked envelope of the peers whose link is not known down; of a peer whose broker refuses
     * ({@link #held}), what it did not refuse (parked while it was down), the refused ones wait out the hold.
     */
    void check() throws JMSException {
        for (java.util.Map.Entry<String, Long> parked : queueCounts(broker).entrySet()) {
            Parking parking = Parking.of(parked.getKey());
            if (parked.getValue() > 0 && !knownDown.test(parking.peer()) && !(parking.refused() && held(parking.peer()))) {
                moveBack(parking.queue(), parking.peer(), Long.MAX_VALUE, true);
            }
        }
    }

    /**
     * The review: every parked envelope of a peer not known down or no longer one to send to, and of a peer still
     * down those at the head of its queue that are due ({@link #due}).
     */
    void review() throws JMSException {
        for (java.util.Map.Entry<String, Long> parked : queueCounts(broker).entrySet()) {
            Parking parking = Parking.of(parked.getKey());
            String peer = parking.peer();
            if (parked.getValue() == 0) {
                continue;
            }
            if (refused.test(peer)) {
                moveBack(parking.queue(), peer, Long.MAX_VALUE, false);
            } else if (!knownDown.test(peer) && !(parking.refused() && held(peer))) {
                moveBack(parking.queue(), peer, Long.MAX_VALUE, true);
            } else { // down, or the refused ones of a peer that refuses (refusedBy): only what expired, at the head
                long due = dueAtHead(parking.queue());
                if (due > 0) {
                    moveBack(parking.queue(), peer, due, false); // expired: the forwarder dead-letters them, down or not
                }
            }
        }
    }

    /**
     * How many envelopes from the head of {@code peer}'s parking queue the review moves back: read from the head (a
     * browser: one envelope at a time, nothing taken, nothing written) up to the first one still within the outage
     * window, and counted through the last expired (or unreadably dated) one before it. An envelope without a seal time
     * (a relayed directory or CRL: it never expires) neither counts nor stops the reading; it goes back only if an
     * expired one lies behind it. Parked envelopes are in the order they were sealed but for a few (a move back during
     * an outage interleaves with newer ones parked meanwhile): such an expired envelope behind a fresh one waits until
     * those ahead of it are due.
     */
    long dueAtHead(String queue) throws JMSException {
        java.time.Instant expiredBefore = clock.instant().minus(outageWindow);
        long read = 0;
        long throughLastExpired = 0;
        try (Connection connection = local.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            connection.start();
            java.util.Enumeration<?> parked = browser.getEnumeration();
            while (parked.hasMoreElements()) {
                read++;
                Boolean expired = expired((Message) parked.nextElement(), expiredBefore);
                if (Boolean.FALSE.equals(expired)) {
                    break;
                }
                if (expired != null) {
                    throughLastExpired = read;
                }
            }
        }
        return throughLastExpired;
    }

    /**
     * Whether the forwarder would refuse a parked envelope now as past the outage window: true also for a seal time it
     * cannot read (it refuses that as MALFORMED); null for an envelope without one (it never expires).
     */
    static Boolean expired(Message parked, java.time.Instant expiredBefore) throws JMSException {
        String createdAt = parked.getStringProperty(Headers.CREATED_AT);
        if (createdAt == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(createdAt).isBefore(expiredBefore);
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }

    /**
     * Moves the envelopes parked for {@code peer} now back to the outbound queue, in transactions of at most
     * {@value #BATCH_MESSAGES} envelopes or {@value #BATCH_BYTES} bytes; returns how many.
     */
    int moveBack(String peer) throws JMSException {
        return moveBack(peer, Long.MAX_VALUE, false);
    }

    /**
     * Moves at most {@code limit} envelopes from the head of {@code peer}'s parking queue back; returns how many.
     * {@code paced} (the peer is back, or not known down): after each batch, waits until the forwarders have taken as
     * many from the outbound queue (at most {@link #PACE_WAIT}) and stops if the peer is down again by then: a peer
     * that takes the connection and then fails every send is not handed its whole backlog to park again each time.
     */
    synchronized int moveBack(String peer, long limit, boolean paced) throws JMSException {
        return moveBack(queueOf(peer), peer, limit, paced);
    }

    /** As {@link #moveBack(String, long, boolean)}, from parking queue {@code name} of {@code peer} (its own or its refused ones'). */
    private synchronized int moveBack(String name, String peer, long limit, boolean paced) throws JMSException {
        Queue queue = broker.locateQueue(SimpleString.of(name));
        long waiting = Math.min(limit, queue == null ? 0 : queue.getMessageCount());
        parking.remove(peer); // a park after this point is logged again
        if (waiting == 0) {
            return 0;
        }
        int moved = 0;
        try (Connection connection = local.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = session.createConsumer(session.createQueue(name));
             MessageProducer producer = session.createProducer(session.createQueue(OUTBOUND))) {
            connection.start();
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            while (moved < waiting) {
                int batch = 0;
                long bytes = 0;
                while (moved + batch < waiting && batch < BATCH_MESSAGES && bytes < BATCH_BYTES) {
                    Message parked = consumer.receive(1000);
                    if (parked == null) {
                        break; // taken meanwhile (an operator): what is left goes next time
                    }
                    BytesMessage copy = copy(session, parked);
                    bytes += ((BytesMessage) parked).getBodyLength();
                    producer.send(copy);
                    batch++;
                }
                if (batch == 0) {
                    break;
                }
                long takenBefore = outboundTaken();
                session.commit(); // this batch is on the outbound queue and off the parking queue, or neither
                moved += batch;
                if (paced && moved < waiting && !forwardersTook(batch, takenBefore, peer)) {
                    log.info("peer {} is down again: {} envelopes stay parked", peer, waiting - moved);
                    break;
                }
            }
        }
        log.info("moved {} envelopes parked for {} back to the outbound queue ({} left in {})", moved, peer,
                queue.getMessageCount(), name);
        return moved;
    }

    /** The outbound queue's count of messages taken off it so far (forwarded, parked, dead-lettered). */
    private long outboundTaken() {
        Queue outbound = broker.locateQueue(SimpleString.of(OUTBOUND));
        return outbound == null ? 0 : outbound.getMessagesAcknowledged();
    }

    /**
     * Waits until the forwarders have taken {@code batch} more messages off the outbound queue than {@code before} (or
     * {@link #PACE_WAIT} has passed); false if {@code peer} is known down by then.
     */
    private boolean forwardersTook(int batch, long before, String peer) {
        long deadline = System.nanoTime() + PACE_WAIT.toNanos();
        while (outboundTaken() - before < batch && !knownDown.test(peer) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false; // closing
            }
        }
        return !knownDown.test(peer);
    }

    /**
     * The same envelope as a new message: its body byte for byte and every property but the broker's own
     * ({@code _AMQ_*}, above all the local duplicate id, and {@code JMSX*}); the time it was first queued kept in
     * {@link Headers#QUEUED_AT_MILLIS}.
     */
    static BytesMessage copy(Session session, Message message) throws JMSException {
        if (!(message instanceof BytesMessage bytes)) {
            throw new JMSException("outbound message " + message.getJMSMessageID() + " is not an envelope (a bytes message)");
        }
        bytes.reset(); // the forwarder read the body already
        long length = bytes.getBodyLength();
        if (length > Integer.MAX_VALUE) {
            throw new JMSException("outbound message " + message.getJMSMessageID() + " of " + length + " bytes");
        }
        byte[] body = new byte[(int) length];
        if (length > 0 && bytes.readBytes(body) != length) {
            throw new JMSException("outbound message " + message.getJMSMessageID() + ": body shorter than its length");
        }
        BytesMessage copy = session.createBytesMessage();
        copy.writeBytes(body);
        for (Object property : Collections.list(message.getPropertyNames())) {
            String name = String.valueOf(property);
            if (!brokerOwn(name) && !Headers.PEER_REFUSAL.equals(name)) { // a refusal is the park's, set afresh by each
                copy.setObjectProperty(name, message.getObjectProperty(name));
            }
        }
        if (!message.propertyExists(Headers.QUEUED_AT_MILLIS) && message.getJMSTimestamp() > 0) {
            copy.setLongProperty(Headers.QUEUED_AT_MILLIS, message.getJMSTimestamp());
        }
        if (message.getJMSCorrelationID() != null) {
            copy.setJMSCorrelationID(message.getJMSCorrelationID());
        }
        if (message.getJMSType() != null) {
            copy.setJMSType(message.getJMSType());
        }
        return copy;
    }

    /** Properties the broker or the JMS provider sets (a copy gets its own, or must not have them). */
    private static boolean brokerOwn(String name) {
        return name.startsWith("_AMQ") || name.startsWith("__AMQ") || name.startsWith("JMSX") || name.startsWith("JMS_");
    }

    @Override
    public void close() {
        mover.shutdownNow();
    }
}
