package org.jukibus.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQInterruptedException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.JMSFactoryType;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.broker.NodeBroker;
import org.jukibus.directory.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open line to one peer's broker: TLS with this node's client certificate, durable sends that
 * return only once the peer's broker has stored the message. Tries the primary endpoint, then the
 * backup (予備の回線, 第3の3(2)).
 *
 * <p>A line on the backup is not kept forever: the backup exists for when the primary fails, so
 * once {@code primaryRetry} has passed it tries to open the primary beside it (at the next
 * {@link #recheck()}, never on a sending thread) and moves over if that works; if not, it stays
 * on the backup and tries again after another interval.
 * Both lines end on the same broker, whose duplicate detection drops a message resent on the
 * other line after a failure in the middle of a send.
 *
 * <p>A peer whose every line failed is down: sends to it fail at once, without touching the network
 * or waiting for anything (a queue of thousands of messages for a dead peer costs nothing but local
 * redeliveries), and only {@link PeerLinks}' recheck, every {@code retryInterval}, tries its lines;
 * when a line opens again {@code onBack} is told, so that the messages waiting for it are retried now
 * rather than after their backoff.
 *
 * <p>Thread-safe: the line's state is guarded by this object's lock, which is never held across a
 * connect or a send; each sending thread sends on a session of its own.
 */
final class PeerLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
    /** Bytes of sent messages a line keeps until the peer's broker confirms them: a batch of envelopes, several times over. */
    static final int CONFIRMATION_WINDOW_BYTES = 4 * 1024 * 1024;

    private final String peer;
    private final List<Endpoint> endpoints;
    private final TlsClientSettings tls;
    private final LinkPolicy policy;
    private final Clock clock;
    private final Runnable onBack;
    /** How a line to an endpoint is dialled: TLS with this node's certificate; a test's broker or latch in PeerLinkTest. */
    private final Function<Endpoint, TransportConfiguration> transports;
    /** A down peer's port is asked before a TLS open; not through a test's seam (it dials elsewhere, and no name is looked up). */
    private final boolean probing;

    /** Written under the lock; read without it where a stale value does no harm (activeEndpoint, onBackup). */
    private volatile Line line;
    /** Whether a thread is opening a line (outside the lock): no second one tries meanwhile. */
    private boolean connecting;
    /** When a line on the backup should next try the primary. */
    private Instant primaryDue;
    /**
     * Whether every line failed at the last attempt: sends fail at once, without the lock, and only {@link #recheck()}
     * (every retry interval) tries the lines until one opens.
     */
    private volatile boolean down;
    /**
     * Whether this link was closed ({@link PeerLinks#reopenAll}, an LRU eviction): it is no longer in the map, so nothing
     * would ever close a line opened on it afterwards (a TLS connection kept alive by its pings, one more at every
     * directory publication or eviction while a connect was under way). An open that finds it closed closes what it
     * opened; no open starts on it.
     */
    private boolean closed;
    /**
     * How long a sender waits for a line another thread is opening (at most the call timeout): a connect to a peer that
     * answers takes a handshake; one to a black-holed peer takes a connect timeout per endpoint, which no other sender
     * may be held for.
     */
    static final long OPEN_WAIT_MILLIS = 2000;

    /**
     * One connection to one endpoint, shared by the sending threads, each with its own session and
     * producer (a JMS session is single-threaded): sends to one peer from several forwarders wait for
     * the peer's broker side by side, and its journal stores them with one fsync.
     */
    private static final class Line {
        private final Endpoint endpoint;
        private final ActiveMQConnectionFactory factory;
        private final Connection connection;
        private final Queue<Sender> idle = new ConcurrentLinkedQueue<>();
        /** Whether a send's failure on this line was counted already (under the link's lock). */
        private boolean failureCounted;

        Line(Endpoint endpoint, ActiveMQConnectionFactory factory, Connection connection) {
            this.endpoint = endpoint;
            this.factory = factory;
            this.connection = connection;
        }

        Endpoint endpoint() {
            return endpoint;
        }

        /** An idle session of this line, or a new one. */
        Sender borrow() throws JMSException {
            Sender sender = idle.poll();
            return sender != null ? sender : Sender.open(connection);
        }

        void giveBack(Sender sender) {
            idle.add(sender);
        }

        /**
         * Fails the connection as a lost one would, without a word to the peer: every call waiting on it (a send, a
         * credit wait, a close) fails now. A close asks the peer's broker and waits for its answer.
         */
        void cut(String peer) {
            try {
                ((ActiveMQConnection) connection).getSessionFactory().getConnection()
                        .fail(new ActiveMQNotConnectedException("cut: the peer's broker did not confirm in time"));
            } catch (RuntimeException e) {
                log.debug("cutting the link to {} via {}: {}", peer, endpoint, e.toString());
            }
        }

        /** Closes the connection, and with it every session, idle or in use. */
        void close(String peer) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                log.debug("closing link to {} via {}: {}", peer, endpoint, e.getMessage());
            }
            factory.close();
        }
    }

    /**
     * A session of the line with a producer per address it sent to: with an anonymous producer the client asks the
     * peer's broker whether the address exists (a blocking round trip) before every send, which a wall-clock profile
     * of the forwarding path showed as most of the send's time.
     */
    private record Sender(Session session, Map<String, MessageProducer> producers) {
        static Sender open(Connection connection) throws JMSException {
            return new Sender(connection.createSession(false, Session.AUTO_ACKNOWLEDGE), new HashMap<>());
        }

        /** A blocking durable send: returns once the peer's broker has stored it. */
        void send(OutgoingMessage outgoing) throws JMSException {
            producer(outgoing.address()).send(message(outgoing));
        }

        /**
         * An asynchronous durable send: {@code confirmed} hears once the peer's broker has stored it, or why not. Only
         * on a line with a confirmation window (see connect): without one the client calls the listener as the message
         * leaves, stored or not.
         */
        void send(OutgoingMessage outgoing, CompletionListener confirmed) throws JMSException {
            producer(outgoing.address()).send(message(outgoing), confirmed);
        }

        private BytesMessage message(OutgoingMessage outgoing) throws JMSException {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(outgoing.body());
            message.setStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), outgoing.duplicateId());
            for (Map.Entry<String, String> p : outgoing.properties().entrySet()) {
                message.setStringProperty(p.getKey(), p.getValue());
            }
            return message;
        }

        /**
         * The peer's queue; an {@link jakarta.jms.InvalidDestinationException} if the peer's broker answers it has none
         * (a refusal of that message, {@link #refusal}): the client says so with a bare JMSException, no cause, which
         * would be taken for a failure of the line. A failed query itself comes with the broker's exception as cause.
         */
        private jakarta.jms.Queue queue(String address) throws JMSException {
            try {
                return session.createQueue(address);
            } catch (JMSException e) {
                if (e.getCause() != null || e.getLinkedException() != null || e instanceof jakarta.jms.IllegalStateException) {
                    throw e;
                }
                jakarta.jms.InvalidDestinationException none = new jakarta.jms.InvalidDestinationException(e.getMessage());
                none.initCause(e);
                throw none;
            }
        }

        void close() {
            try {
                session.close();
            } catch (JMSException | RuntimeException e) {
                log.debug("closing a session of a peer link: {}", e.getMessage());
            }
        }

        MessageProducer producer(String address) throws JMSException {
            MessageProducer producer = producers.get(address);
            if (producer == null) {
                producer = session.createProducer(queue(address));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                producers.put(address, producer);
            }
            return producer;
        }
    }

    PeerLink(String peer, List<Endpoint> endpoints, TlsClientSettings tls, LinkPolicy policy, Clock clock, Runnable onBack) {
        this(peer, endpoints, tls, policy, clock, onBack, null);
    }

    /** With {@code transports} (null: TLS with this node's certificate) to dial an endpoint: a test's seam. */
    PeerLink(String peer, List<Endpoint> endpoints, TlsClientSettings tls, LinkPolicy policy, Clock clock, Runnable onBack,
            Function<Endpoint, TransportConfiguration> transports) {
        this.peer = peer;
        this.endpoints = List.copyOf(endpoints);
        this.tls = tls;
        this.policy = policy;
        this.clock = clock;
        this.onBack = onBack;
        this.transports = transports != null ? transports : this::transport;
        this.probing = transports == null;
    }

    /**
     * Sends one message durably. Its duplicate id makes the peer's broker drop a second copy
     * (a resend after a crash between this send and the local commit, or on the other line).
     */
    void send(OutgoingMessage outgoing) throws PeerUnreachableException, LineOpeningException, MessageRefusedException {
        Line current = openLine(openWaitFromNow());
        Sender sender = null;
        long began = System.nanoTime();
        try {
            sender = current.borrow();
            sender.send(outgoing);
            current.giveBack(sender);
        } catch (JMSException | RuntimeException e) {
            if (stoppedBy(e)) {
                // this node's stop, which the client turned into an exception: not the peer (review-fwdsafe M1). The
                // session is left to the line (a close would ask a peer that may not answer); the message is tried again
                throw stopping();
            }
            if (sender != null && e instanceof JMSException jms && refusal(jms)) {
                // the peer's broker refused this message on a line that works: the message's failure, not the peer's;
                // the line and the peer's other traffic go on
                current.giveBack(sender);
                throw refused(jms);
            }
            if (isClosed()) {
                // this node closed the link under the send (a new directory, an LRU eviction): not the peer (review-fwdsafe
                // M2); the message waits briefly and goes on the new link, whose peer drops a copy it already stored
                throw closedMeanwhile();
            }
            // whatever broke, never keep a line that failed: the next attempt opens a fresh one. The peer counts as
            // down until its line opens again: a peer that takes the connection but fails every send (a hostile one,
            // a broker of another version) must not have its envelopes rolled back to wait out a redelivery delay in
            // this node's memory, each of them, one after the other; they are parked like those of a peer that is
            // down. The same envelope sent again later carries the same duplicate id: a send that did arrive is dropped.
            log.warn("send to {} via {} failed: {}", peer, current.endpoint(), PeerText.of(e.getMessage()));
            // failed at once, as finish() does: a close would ask a peer that may not answer, under the link's lock,
            // which holds up every sender waiting for a line (openLine) for up to the call timeout
            current.cut(peer);
            sendFailed(current);
            throw new PeerUnreachableException("send to " + peer + " via " + current.endpoint() + " failed: " + PeerText.of(e.getMessage()), e);
        }
        sendsSucceeded();
        // one message on a thread of its own (the single forwarder): no other peer to compare with, the threshold alone
        long took = System.nanoTime() - began;
        if (took > policy.slowAfter().toNanos()) {
            confirmedSlowly(took, 1);
        } else {
            confirmedFast(took);
        }
    }

    /**
     * Whether the peer's broker confirms slowly: over {@code slowAfter} and far behind the other peers of a batch
     * ({@link PeerLinks#sendAll}). Its messages then ride in no shared batch (flow.SlowLane) until it confirms within
     * {@code slowAfter} again.
     */
    private volatile boolean slow;
    /**
     * The least a slow peer stays slow: {@link #SLOW_HOLD}, twice as long for each episode that began within its
     * predecessor's hold after it ended (up to 2^({@value #MAX_SLOW_EPISODES} - 1) = 32 times): a peer that is slow and fast in
     * turn (as a hostile one may choose) costs the shared batches one wait per hold, not one per batch.
     */
    private Instant slowUntil;
    /** When a send last took over {@code slowAfter}: a slow peer none of whose sends did for a hold is not slow any more. */
    private Instant lastSlowSeen;
    private int slowEpisodes;
    /** The hold of the first episode of slowness. */
    static final java.time.Duration SLOW_HOLD = java.time.Duration.ofMinutes(1);
    static final int MAX_SLOW_EPISODES = 6;

    /**
     * Whether the peer is slow now. Its mark lapses once its hold is over and none of its sends took over
     * {@code slowAfter} for a hold: a peer that recovered while nothing was sent to it (no batch to judge it fast)
     * does not stay slow, nor its alert firing, for ever.
     */
    boolean slow() {
        if (!slow) {
            return false;
        }
        java.time.Duration hold;
        synchronized (this) {
            Instant now = clock.instant();
            hold = slowHold();
            if (!slow || now.isBefore(slowUntil) || now.isBefore(lastSlowSeen.plus(hold))) {
                return slow;
            }
            slow = false;
            slowUntil = now; // as at an end by a fast batch: the next episode within a hold holds twice as long
        }
        log.info("peer {} was not seen slow for {}: its messages ride in the shared batches again", PeerText.of(peer), hold);
        return false;
    }

    /**
     * Confirmations over {@code slowAfter} that mark nobody (the peer alone in its batch, as on the slow lane, or not
     * far behind the others): a slow peer stays slow (its mark does not lapse), a peer not slow is not marked.
     */
    synchronized void confirmedLate() {
        if (slow) {
            lastSlowSeen = clock.instant();
        }
    }

    /** Confirmations that took {@code nanos}: the peer is slow from now on; said once per episode, with its name. */
    void confirmedSlowly(long nanos, int messages) {
        java.time.Duration hold;
        synchronized (this) {
            Instant now = clock.instant();
            lastSlowSeen = now;
            if (slow) {
                return;
            }
            boolean again = slowUntil != null && now.isBefore(slowUntil.plus(slowHold()));
            slowEpisodes = again ? Math.min(slowEpisodes + 1, MAX_SLOW_EPISODES) : 1;
            hold = slowHold();
            slowUntil = now.plus(hold);
            slow = true;
        }
        log.warn("peer {} is slow: its broker took {} ms to confirm {} messages (over {}); its messages are forwarded apart"
                        + " from the other peers' for at least {}, until it confirms within {} again", PeerText.of(peer),
                TimeUnit.NANOSECONDS.toMillis(nanos), messages, policy.slowAfter(), hold, policy.slowAfter());
    }

    /** The hold of the present episode of slowness. Under the lock. */
    private java.time.Duration slowHold() {
        return SLOW_HOLD.multipliedBy(1L << (Math.max(1, slowEpisodes) - 1));
    }

    /** Confirmations within {@code slowAfter}: a slow peer is not slow any more, once its hold is over. */
    void confirmedFast(long nanos) {
        synchronized (this) {
            if (!slow || clock.instant().isBefore(slowUntil)) {
                return;
            }
            slow = false;
            slowUntil = clock.instant(); // the next episode within a hold from now holds twice as long
        }
        log.info("peer {} confirms in time again ({} ms): its messages ride in the shared batches again", PeerText.of(peer),
                TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** Consecutive failed sends on lines that had opened: how long the peer then counts as down doubles with each. */
    private int sendFailures;
    /** After failed sends: the first {@link #recheck()} that tries the peer's lines again. */
    private Instant retryAt;

    private synchronized void sendsSucceeded() {
        sendFailures = 0;
    }

    /**
     * Drops the failed line (unless already replaced) and marks the peer down, for longer after each line that failed
     * under a send: sends fail at once (and are parked) until a {@link #recheck()} after {@code retryAt} opens a line
     * again.
     */
    private synchronized void sendFailed(Line failed) {
        lineFailed(failed);
        // once per line: the other sends in flight on it (a batch and single sends on several threads) fail with it.
        // Counted each, a broken line doubled the retry time once per send in flight, 2 s became 64 s, and a peer
        // whose backup line works waited that long for it (BackupLineIT). Counted again if a send confirmed meanwhile
        // reset the count (a batch's finish late under load): the back-off below needs at least one
        if (!failed.failureCounted || sendFailures == 0) {
            failed.failureCounted = true;
            sendFailures = Math.min(sendFailures + 1, 6);
        }
        if (line == null) {
            if (!down) {
                log.warn("peer {} is down: a send on its open line failed; trying its lines again in {}", peer,
                        policy.retryInterval().multipliedBy(1L << (sendFailures - 1)));
            }
            down = true;
            retryAt = clock.instant().plus(policy.retryInterval().multipliedBy(1L << (sendFailures - 1)));
        }
    }

    /**
     * Starts sending {@code messages} durably, all at once; {@link Sending#finish} waits for the peer's broker to store
     * them and gives, per message, null once stored or why not. The sends are asynchronous with a confirmation each (the
     * line's confirmation window): the peer's journal stores them with one sync, and each message has its own outcome.
     * Not one transaction for them all: Artemis marks a whole transaction rollback-only for one duplicate id in it, and a
     * batch that holds a message the peer already stored comes back after a crash of this node between the peer's store
     * and its own commit; sent in one transaction again it would fail the same way at every retry, a link stopped for
     * good. Sent on their own, the copy the peer already has is dropped by its duplicate detection and confirmed as any
     * other. (Nor asynchronous sends inside a transaction: a send the peer refuses, e.g. for its permissions, does not
     * fail such a transaction, which would commit without it.)
     *
     * <p>Bounded by wall time, whatever the peer does: at the call timeout after the start {@code alarms} closes the
     * line if a confirmation is still missing. That also ends a send stuck inside the client (a peer that stopped
     * reading, a credit wait), which no timeout of the client bounds; the unconfirmed messages fail and wait.
     */
    Sending start(List<OutgoingMessage> messages, LineAlarms alarms, long openWaitUntil) {
        Line current;
        try {
            current = openLine(openWaitUntil);
        } catch (PeerUnreachableException | LineOpeningException e) {
            return new Sending(null, messages.size(), e, alarms);
        }
        Sending sending = new Sending(current, messages.size(), null, alarms);
        long timeout = policy.callTimeout().toNanos();
        sending.began = System.nanoTime();
        sending.deadline = sending.began + timeout;
        sending.alarm = alarms.after(timeout, sending::expire);
        try {
            sending.sender = current.borrow();
        } catch (JMSException | RuntimeException e) {
            sending.failFrom(0, e); // no session
            return sending;
        }
        for (int i = 0; i < messages.size(); i++) {
            int index = i;
            try {
                sending.sender.send(messages.get(i), new CompletionListener() {
                    @Override
                    public void onCompletion(jakarta.jms.Message message) {
                        sending.answered();
                    }

                    @Override
                    public void onException(jakarta.jms.Message message, Exception e) {
                        sending.outcomes[index] = e;
                        sending.answered();
                    }
                });
            } catch (JMSException | RuntimeException e) {
                if (e instanceof JMSException jms && refusal(jms) && !stoppedBy(e)) {
                    // refused by the peer's broker (creating the producer: an address it lacks), the line works: this
                    // message's own failure, the ones after it are sent
                    sending.outcomes[index] = jms;
                    sending.confirmed.countDown();
                    continue;
                }
                sending.failFrom(i, e); // not sent, nor any after it: the line is gone (or the alarm closed it), or a stop
                break;
            }
        }
        return sending;
    }

    /** The sends of one {@link #start}: what the peer's broker confirmed, and the line they went on. */
    final class Sending {
        private final Line line;
        private final int count;
        private final Exception[] outcomes;
        private final CountDownLatch confirmed;
        private volatile Exception broken;
        private volatile boolean expired;
        private boolean interrupted;
        private Sender sender;
        private long began;
        private long deadline;
        /** When the peer's broker answered the last of the sends (System.nanoTime); 0 until then. */
        private volatile long answeredAt;
        /** How long the peer took to confirm them all, once {@link #finish} found the line kept; -1 otherwise. */
        private long took = -1;
        private ScheduledFuture<?> alarm;
        private final LineAlarms alarms;

        private Sending(Line line, int count, Exception unreachable, LineAlarms alarms) {
            this.alarms = alarms;
            this.line = line;
            this.count = count;
            this.outcomes = new Exception[count];
            this.confirmed = new CountDownLatch(unreachable == null ? count : 0);
            this.broken = unreachable;
        }

        private void failFrom(int first, Exception e) {
            if (!expired && stoppedBy(e)) {
                // this node's stop, which a blocking call of the client turned into an exception (and cleared the flag,
                // restored by stoppedBy): finish() drops only this batch's session, never the shared line (review-fwdsafe M1)
                interrupted = true;
                broken = stopping();
            } else {
                JMSException failure = e instanceof JMSException jms ? jms : (JMSException) new JMSException(e.toString()).initCause(e);
                broken = expired ? timedOut() : failure;
            }
            for (int j = first; j < count; j++) {
                outcomes[j] = broken;
                confirmed.countDown();
            }
        }

        /** One send answered (stored, or why not); the time of the last one is the peer's confirmation time. */
        private void answered() {
            confirmed.countDown();
            if (confirmed.getCount() == 0) {
                answeredAt = System.nanoTime();
            }
        }

        /**
         * How long the peer's broker took to answer every send of this start, if {@link #finish} kept the line (each
         * stored, or refused on a line that works); -1 if not (a line that broke, no line, a stop).
         */
        long took() {
            return took;
        }

        /** How many messages were sent. */
        int count() {
            return count;
        }

        /** The link these sends went on. */
        PeerLink link() {
            return PeerLink.this;
        }

        /** The alarm: the call timeout passed with confirmations missing; the line goes, which ends a send stuck in it. */
        private void expire() {
            if (confirmed.getCount() > 0) {
                expired = true;
                log.warn("send to {} via {}: {} of {} messages not confirmed within {}; the line is cut", peer,
                        line.endpoint(), confirmed.getCount(), count, policy.callTimeout());
                line.cut(peer); // at once: a send stuck in the client fails now, whoever holds this link's lock
                lineFailed(line);
            }
        }

        private JMSException timedOut() {
            return new JMSException("the peer's broker did not confirm " + confirmed.getCount() + " of " + count
                    + " messages within " + policy.callTimeout());
        }

        /**
         * Waits until every message is confirmed or the call timeout after the start has passed, and returns, per
         * message, null once the peer's broker stored it or why not (an unconfirmed message may still be stored there:
         * sent again later, the peer drops the copy).
         */
        List<Exception> finish() {
            if (line != null) {
                try {
                    if (!confirmed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        broken = timedOut();
                    }
                } catch (InterruptedException e) {
                    // a stop that could not wait longer (flow.OutboundBatchConsumer): the batch rolls back
                    Thread.currentThread().interrupt();
                    interrupted = true;
                    broken = stopping();
                }
                alarm.cancel(false);
            }
            Exception failure = broken;
            List<Exception> result = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                result.add(outcomes[i] != null ? outcomes[i] : failure);
            }
            if (line == null) {
                return result;
            }
            if (interrupted && !expired) {
                // this node's stop, not the peer: only this batch's session goes, never the line. The line is shared:
                // cut, it would fail the other threads' sends to a peer that is up, which would then be marked down and
                // their messages parked (analysis-stop F1). The sends left unconfirmed on this session come again with
                // the rolled-back batch, and the peer drops any copy it stored. Closed on another thread: a close asks
                // the peer, which may be the one that does not answer.
                Sender dropped = sender;
                if (dropped != null) {
                    alarms.execute(dropped::close);
                }
                return result;
            }
            if (failure == null) {
                for (Exception e : outcomes) {
                    // a failure that is not the broker's refusal of that message (a broken line, a closed session, one
                    // not known here) is the line's: never kept, as a line that is gone would be, for good
                    if (e instanceof JMSException jms && (lineBroke(jms) || !refusal(jms))) {
                        failure = jms;
                    }
                }
            }
            // a line that broke or did not confirm in time: the line goes and the peer counts as down, as after a failed
            // single send (see send), and every message not confirmed is parked. A message the peer's broker refused on
            // a line that stays up (its permissions) is that message's own outcome: the line is kept, the others go on
            // (cutting it would fail the batches of the other threads on the same line, at every retry)
            if ((failure != null || expired) && isClosed()) {
                // this node closed the link under the batch (a new directory, an LRU eviction; the line closes on its
                // own thread): not the peer, which is neither marked down nor has its messages parked (review-fwdsafe M2).
                // What it did not confirm waits briefly and goes again on the new link; the peer drops a copy it stored.
                // Expired as well (the close and the call timeout race against a slow peer; review-fwdlink L1): one rule,
                // the new link finds out for itself whether the peer answers.
                for (int i = 0; i < count; i++) {
                    if (result.get(i) != null) {
                        result.set(i, outcomes[i] != broken && outcomes[i] instanceof JMSException jms && refusal(jms)
                                ? refused(jms) : closedMeanwhile());
                    }
                }
                return result;
            }
            if (failure != null || expired) {
                if (!expired) {
                    log.warn("send to {} via {} failed: {}", peer, line.endpoint(), PeerText.of(failure.getMessage()));
                }
                line.cut(peer); // first: a close would ask the peer, which may not answer, once per session
                // closes the connection, and the session with the sends still waiting on it; the peer counts as down
                // (as after a failed single send): the unconfirmed messages are parked, the next batches fail at once
                if (interrupted) {
                    lineFailed(line); // the alarm cut it, then this node's stop: not marked down, the batch rolls back
                    return result;
                }
                sendFailed(line);
                for (int i = 0; i < count; i++) {
                    if (result.get(i) != null) {
                        result.set(i, new PeerUnreachableException("send to " + peer + " via " + line.endpoint()
                                + " failed: " + PeerText.of(result.get(i).getMessage()), result.get(i)));
                    }
                }
            } else {
                line.giveBack(sender);
                sendsSucceeded();
                long last = answeredAt;
                took = Math.max(0, (last == 0 ? System.nanoTime() : last) - began);
                for (int i = 0; i < count; i++) {
                    if (result.get(i) instanceof JMSException jms) { // refused (refusal), on a line that works
                        result.set(i, refused(jms));
                    }
                }
            }
            return result;
        }
    }

    /**
     * Whether {@code failure} is the peer's broker refusing that one message on a line that works: an address it does not
     * have (a flow newer than its release), a permission it does not give this node, a plugin of its own. Told by what
     * the broker answered, never by elimination: a failure not known here (a session the client closed, say) is taken
     * for the line's, which then goes and is opened afresh, rather than kept for good as one that only refuses.
     */
    static boolean refusal(JMSException failure) {
        if (lineBroke(failure)) {
            return false;
        }
        if (failure instanceof jakarta.jms.JMSSecurityException || failure instanceof jakarta.jms.InvalidDestinationException) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ActiveMQException e) {
                return switch (e.getType()) {
                    case SECURITY_EXCEPTION, ADDRESS_DOES_NOT_EXIST, QUEUE_DOES_NOT_EXIST, UNEXPECTED_ROUTING_TYPE_FOR_ADDRESS,
                         ROUTING_EXCEPTION, INTERCEPTOR_REJECTED_PACKET -> true;
                    default -> false;
                };
            }
        }
        return false;
    }

    /**
     * Whether {@code failure} is this thread's interrupt (a stop, flow.OutboundBatchConsumer), which a blocking call of
     * the client turns into an exception and clears the flag; or the flag is set. Restores the flag: the caller's stop
     * goes on seeing it.
     */
    static boolean stoppedBy(Throwable failure) {
        boolean stopped = Thread.currentThread().isInterrupted();
        for (Throwable t = failure; t != null && !stopped; t = t.getCause()) {
            stopped = t instanceof ActiveMQInterruptedException || t instanceof InterruptedException;
        }
        if (stopped) {
            Thread.currentThread().interrupt();
        }
        return stopped;
    }

    private LineOpeningException stopping() {
        return new LineOpeningException("not sent to " + peer + ": this node is stopping (interrupted)");
    }

    private MessageRefusedException refused(JMSException refusal) {
        // the peer's words, which reach this node's log and the parked envelope: bounded and escaped (analysis-merge11 L5)
        String reason = PeerText.of(refusal.getMessage());
        return new MessageRefusedException("the broker of " + peer + " refused the message: " + reason, reason, refusal);
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Whether {@code failure} says the connection is gone or the peer stopped answering, not that it refused something. */
    static boolean lineBroke(JMSException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ActiveMQException e) {
                return switch (e.getType()) {
                    case CONNECTION_TIMEDOUT, NOT_CONNECTED, DISCONNECTED, OBJECT_CLOSED, REMOTE_DISCONNECT, TRANSACTION_OUTCOME_UNKNOWN -> true;
                    default -> false;
                };
            }
        }
        return false;
    }

    /**
     * The line to send on, opened if there is none. A peer that is down fails at once (only {@link #recheck()} tries its
     * lines, every retry interval); against a peer that accepts connections but never answers, an attempt takes the
     * handshake timeout per endpoint. A sender finding another thread opening the line waits for that open, for at most
     * {@value #OPEN_WAIT_MILLIS} ms (or the call timeout if shorter): it then sends on the new line, or, if the open
     * failed, the peer is down ({@link PeerUnreachableException}: parked); still opening after the wait, it gives up
     * with a {@link LineOpeningException} (the message waits briefly, it is not parked: the peer is not known down, and
     * a parked envelope would wait for the next check). No sender is held longer by another's connect.
     */
    private Line openLine(long waitUntil) throws PeerUnreachableException, LineOpeningException {
        if (down) {
            throw unreachable();
        }
        synchronized (this) {
            while (line == null && connecting && !closed) {
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    throw new LineOpeningException("a line to " + peer + " is being opened by another sender (not open within "
                            + openWaitMillis(policy) + " ms)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    // a stop that could not wait longer (flow.OutboundBatchConsumer): nothing sent, the batch rolls back
                    Thread.currentThread().interrupt();
                    throw new LineOpeningException("interrupted while a line to " + peer + " was being opened");
                }
            }
            if (line != null) {
                return line;
            }
            if (closed) {
                throw closedMeanwhile();
            }
            if (down) { // the open this sender waited for failed: the peer is known unreachable now
                throw unreachable();
            }
            connecting = true;
        }
        try {
            return install(connectAny());
        } finally {
            opened();
        }
    }

    /** How long a sender waits for a line another thread is opening: {@value #OPEN_WAIT_MILLIS} ms, or the call timeout if shorter. */
    static long openWaitMillis(LinkPolicy policy) {
        return Math.min(OPEN_WAIT_MILLIS, policy.callTimeout().toMillis());
    }

    /** The end of a single send's wait for a line being opened; a batch's peers share one ({@link PeerLinks#sendAll}). */
    private long openWaitFromNow() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(openWaitMillis(policy));
    }

    /** Not the peer: this node replaced the link; the message waits briefly and goes on the new one (not parked). */
    private LineOpeningException closedMeanwhile() {
        return new LineOpeningException("the link to " + peer + " was closed (a new directory, or closed as least recently"
                + " used) while its line was being opened or used");
    }

    private PeerUnreachableException unreachable() {
        return new PeerUnreachableException("peer " + peer + " is down; its lines are tried again every "
                + policy.retryInterval(), null);
    }

    /** An open (a sender's or the recheck's) ended, with a line or without: the senders waiting for it go on. */
    private synchronized void opened() {
        connecting = false;
        notifyAll();
    }

    /** Drops {@code failed} unless another thread has already replaced it. */
    private synchronized void lineFailed(Line failed) {
        if (line == failed) {
            dropLine();
        }
    }

    /** Closes the line, if any: the next send opens a fresh one (the link itself goes on). Under the lock. */
    private void dropLine() {
        if (line != null) {
            line.close(peer);
        }
        line = null;
    }

    /** Whether the peer is down: every line failed, or a send on its open line did, and none has opened since. */
    boolean down() {
        return down;
    }

    /** Without the lock: a thread opening a line must not hold up one that only asks. */
    Endpoint activeEndpoint() {
        Line current = line;
        return current == null ? null : current.endpoint();
    }

    /**
     * Called periodically, between sends: a peer that is down is tried again, a line on the backup tries the primary once
     * it is due. So an idle link still returns to the primary, and a peer's return is noticed without waiting for the
     * next message. The connects run outside the lock: sends go on meanwhile (to the backup line), or fail at once (a
     * peer down).
     */
    void recheck() {
        boolean reopen;
        boolean primary;
        synchronized (this) {
            if (closed) {
                return;
            }
            // after failed sends the peer waits out its growing retry time; a line that would not open is tried each round
            reopen = line == null && down && !connecting
                    && (sendFailures == 0 || retryAt == null || !clock.instant().isBefore(retryAt));
            primary = line != null && onBackup() && !clock.instant().isBefore(primaryDue) && !connecting;
            if (!reopen && !primary) {
                return;
            }
            connecting = true;
            if (primary) {
                primaryDue = clock.instant().plus(policy.primaryRetry());
            }
        }
        try {
            if (reopen) {
                install(connectAny());
            } else {
                returnToPrimary();
            }
        } catch (PeerUnreachableException e) {
            // still down; tried again at the next recheck
        } catch (LineOpeningException e) {
            // the link was closed meanwhile: what it opened is closed, its replacement opens its own
        } finally {
            opened();
        }
    }

    /** Tries the endpoints in order, outside the lock; marks the peer down if none opens. */
    private Line connectAny() throws PeerUnreachableException, LineOpeningException {
        JMSException last = null;
        boolean quiet = down; // logged once per outage
        for (Endpoint endpoint : endpoints) {
            try {
                IOException refused = quiet && probing ? probe(endpoint) : null;
                if (refused != null) {
                    // a down peer's port still refuses: the TLS open would fail the same way, after building a
                    // connector, a Netty channel and an SSL engine every retry interval (issue 19 item 5)
                    JMSException e = new JMSException(endpoint + ": " + refused);
                    e.initCause(refused);
                    throw e;
                }
                return connect(endpoint);
            } catch (JMSException | RuntimeException e) {
                if (stoppedBy(e)) {
                    // this node's stop ended the open, not the peer: not marked down (review-fwdsafe M1)
                    throw stopping();
                }
                if (e instanceof RuntimeException unexpected) {
                    throw unexpected;
                }
                last = (JMSException) e;
                if (!quiet) {
                    log.warn("link to {} via {} failed: {}", peer, endpoint, PeerText.of(e.getMessage()));
                }
            }
        }
        synchronized (this) {
            if (!down) {
                log.warn("peer {} is down: no line could be opened (tried {}); trying again every {}", peer, endpoints,
                        policy.retryInterval());
            }
            down = true; // from now on only recheck() tries its lines
        }
        throw new PeerUnreachableException("no line to " + peer + " could be opened (tried " + endpoints + ")", last);
    }

    /**
     * Makes {@code fresh} the line (or closes it if another is there, or if this link was closed meanwhile); tells
     * {@code onBack} if the peer was down.
     */
    private Line install(Line fresh) throws LineOpeningException {
        boolean back = false;
        boolean installed = false;
        Line other;
        synchronized (this) {
            other = line;
            if (other == null && !closed) {
                line = fresh;
                installed = true;
                primaryDue = clock.instant().plus(policy.primaryRetry());
                back = down;
                down = false;
                log.info("link to {} open via {}{}", peer, fresh.endpoint(), onBackup() ? " (backup line)" : "");
            }
        }
        if (!installed) { // outside the lock: a close asks the peer
            fresh.close(peer);
            if (other == null) {
                throw closedMeanwhile();
            }
            return other;
        }
        if (back) {
            onBack.run();
        }
        return fresh;
    }

    private boolean onBackup() {
        Line current = line;
        return current != null && !current.endpoint().equals(endpoints.get(0));
    }

    /** Opens the primary beside the backup line (outside the lock); moves over only if it opened. */
    private void returnToPrimary() {
        Endpoint primary = endpoints.get(0);
        Line fresh;
        try {
            fresh = connect(primary);
        } catch (JMSException e) {
            log.info("link to {} stays on the backup line: primary {} still fails: {}", peer, primary, PeerText.of(e.getMessage()));
            return;
        }
        Line backup = null;
        boolean back = false;
        boolean installed = false;
        synchronized (this) {
            if (!closed) {
                installed = true;
                backup = line;
                line = fresh;
                primaryDue = clock.instant().plus(policy.primaryRetry());
                // the backup line may have failed during this connect (the peer then marked down): the peer answers on
                // the primary now, so it is up again, as after any line that opens (install); left down, every envelope
                // for it would be parked over a live line until a restart (review-fwdbatch3 H1)
                back = down;
                down = false;
            }
        }
        if (!installed) { // the link was closed meanwhile (review-fwdbatch3 L3): nothing else would close it
            fresh.close(peer);
            return;
        }
        if (backup != null) {
            backup.close(peer);
            log.info("link to {} back on the primary line {} (was on {})", peer, primary, backup.endpoint());
        } else {
            log.info("link to {} open via {} (its backup line failed meanwhile)", peer, primary);
        }
        if (back) {
            onBack.run();
        }
    }

    private Line connect(Endpoint endpoint) throws JMSException {
        ActiveMQConnectionFactory factory = ActiveMQJMSClient.createConnectionFactoryWithoutHA(JMSFactoryType.CF, transports.apply(endpoint));
        factory.setCallTimeout(policy.callTimeout().toMillis());
        // no producer credits: a peer whose broker stops granting them (its disk over max-disk-usage) would hold a
        // send in the client's credit wait, which retries every 10 s for ever and ignores the call timeout, and with
        // it a forwarder thread per message, until every forwarder of this node waits on that one peer. Without
        // credits the send is bounded by the call timeout, fails, and the message waits on this node's outbound queue.
        factory.setProducerWindowSize(-1);
        factory.setInitialConnectAttempts(1);
        factory.setReconnectAttempts(0);
        factory.setBlockOnDurableSend(true);
        // confirmations for the asynchronous sends of sendAll (without a window the client calls their listeners
        // at once, stored or not); also the bytes the client keeps for them until confirmed
        factory.setConfirmationWindowSize(CONFIRMATION_WINDOW_BYTES);
        factory.setMinLargeMessageSize(NodeBroker.MIN_LARGE_MESSAGE_BYTES);
        Connection connection = null;
        try {
            connection = factory.createConnection();
            Line opened = new Line(endpoint, factory, connection);
            opened.giveBack(Sender.open(connection));
            return opened;
        } catch (JMSException | RuntimeException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException ignored) {
                    // already failing
                }
            }
            factory.close();
            throw e;
        }
    }

    /**
     * Whether the endpoint takes a TCP connection now (closed at once, before any TLS): the recheck of a peer that is
     * down asks this first, so a peer that stays down costs a refused connect per retry interval, not a TLS open. Bounded
     * by the call timeout, as the open's own connect is ({@link #transport}); a port that answers goes on to the full
     * open at once, so the peer's return is noticed as soon as before.
     */
    private IOException probe(Endpoint endpoint) {
        return probe(endpoint, (int) Math.min(Integer.MAX_VALUE, policy.callTimeout().toMillis()));
    }

    /** Null if the endpoint takes a TCP connection; else why not (refused, unreachable, timed out, a name not resolved). */
    static IOException probe(Endpoint endpoint, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            return null;
        } catch (IOException e) {
            return e; // an unresolved name is an UnknownHostException: said as such, not as a refusal
        } catch (RuntimeException e) {
            return new IOException(e.toString(), e);
        }
    }

    static boolean answers(Endpoint endpoint, int timeoutMillis) {
        return probe(endpoint, timeoutMillis) == null;
    }

    private TransportConfiguration transport(Endpoint endpoint) {
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, endpoint.host());
        params.put(TransportConstants.PORT_PROP_NAME, endpoint.port());
        // a line that does not answer must not hold up the forwarders longer than a send may take
        params.put(TransportConstants.NETTY_CONNECT_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, policy.callTimeout().toMillis()));
        params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        params.put(TransportConstants.ENABLED_PROTOCOLS_PROP_NAME, "TLSv1.3");
        // the peer's certificate must name the host we dialled: another node's certificate
        // (valid under the same CA) cannot stand in for the recipient's broker
        params.put(TransportConstants.VERIFY_HOST_PROP_NAME, true);
        params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
        params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tls.keystore().toString());
        params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.keystorePassword());
        params.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
        params.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, tls.truststore().toString());
        params.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, tls.truststorePassword());
        // the stores are opened once and kept while their files stay the same (a down peer is retried every
        // retryInterval; opening PKCS#12 each time cost two PBKDF2 runs per attempt)
        params.put(TransportConstants.SSL_CONTEXT_PROP_NAME, LinkSslContexts.LINK_CONTEXT);
        return new TransportConfiguration(NettyConnectorFactory.class.getName(), params);
    }

    /** For good, the line closed on this thread ({@link #close(Executor)}). */
    @Override
    public void close() {
        close(Runnable::run);
    }

    /**
     * For good: the link is out of {@link PeerLinks}' map (reopenAll, LRU); an open under way closes what it opens. The
     * line closes on {@code closer}: a graceful close asks the peer's broker once per session, and must not hold up the
     * caller (under PeerLinks' map lock every forwarder waits for it) while the peer is slow. A batch in flight on it
     * is confirmed, or fails as closed by this node, not as the peer's failure ({@link Sending#finish}).
     */
    void close(Executor closer) {
        Line last;
        synchronized (this) {
            closed = true; // first: a send the close fails finds the link closed
            notifyAll(); // a sender waiting for another's open goes on (to the link that replaced this one)
            last = line;
            line = null;
        }
        if (last != null) {
            closer.execute(() -> last.close(peer));
        }
    }
}
