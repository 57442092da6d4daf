package org.jukibus.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.core.PeriodicJob;
import org.jukibus.link.PeerSender;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The forwarding of the peers that are slow to confirm ({@link PeerSender#slow}), apart from everyone else's: the
 * batched forwarder parks their messages ({@link PeerForwarder#forwardAll}) rather than have a batch of other peers'
 * wait up to the call timeout for them, and this lane sends them from the peer's parking queue
 * ({@code jukibus.parked.<peer>}), a batch at a time per peer, each peer on a thread of its own, the next batch as
 * soon as the previous one is committed ({@link PeerTurns}). So a peer whose broker confirms each send just inside the
 * call timeout (hostile, or sick) slows only its own messages, not the other peers', slow ones included. Once a
 * batch of the lane is confirmed within {@code jukibus.link.slow-confirmation} the peer is not slow any more, and the
 * parking check ({@link ParkedEnvelopes}) moves the rest of its parked envelopes back to the outbound queue.
 *
 * <p>Each batch is one local transaction, as a batch of the forwarder is: received from the parking queue, sent,
 * and acknowledged only once the peer's broker confirmed every message (a SIGKILL before the commit leaves them parked,
 * and the peer drops what it already stored by their duplicate ids). A message the forwarder refuses (expired, revoked,
 * malformed) goes back to the outbound queue in the same transaction, where the forwarder dead-letters it; one the
 * peer's broker refused is parked with its reason, as the forwarder does. If any is neither sent nor refused (the peer
 * went down meanwhile, its line is being opened) the whole batch rolls back and stays at the head of the parking
 * queue, in its order (no redelivery delay there, no attempts counted).
 */
public final class SlowLane implements AutoCloseable {

    private final PeerSender links;
    private final PeerForwarder forwarder;
    private final ParkedEnvelopes parked;
    private final Predicate<String> knownDown;
    private final ConnectionFactory local;
    private final CamelContext camel;
    private final int batchSize;
    private final long batchBytes;
    private final JmsBinding binding = new JmsBinding();
    private final ScheduledExecutorService looks;
    /** A thread per slow peer with a turn: idle ones end after a minute. */
    private final ExecutorService threads;
    private final PeerTurns turns;

    /**
     * @param knownDown whether a peer is down (nothing is sent to it: the parking check and the link's recheck wait for it)
     */
    public SlowLane(PeerSender links, PeerForwarder forwarder, ParkedEnvelopes parked, Predicate<String> knownDown,
                    ConnectionFactory local, CamelContext camel, int batchSize, long batchBytes) {
        this.links = links;
        this.forwarder = forwarder;
        this.parked = parked;
        this.knownDown = knownDown;
        this.local = local;
        this.camel = camel;
        this.batchSize = batchSize;
        this.batchBytes = batchBytes;
        this.looks = Executors.newSingleThreadScheduledExecutor(SlowLane::daemon);
        this.threads = Executors.newCachedThreadPool(SlowLane::daemon);
        this.turns = new PeerTurns(threads, this::due, peer -> forwardBatch(peer) > 0);
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "jukibus-slow-lane");
        t.setDaemon(true);
        return t;
    }

    /** Looks for slow peers with parked envelopes every {@code every}. */
    public SlowLane start(Duration every) {
        looks.scheduleWithFixedDelay(PeriodicJob.guarded("slow lane", every, this::look), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** The gauge {@code jukibus_link_slow_peers}: how many peers are slow now. */
    public static void measure(MeterRegistry registry, java.util.function.IntSupplier slowPeers) {
        Gauge.builder("jukibus.link.slow.peers", slowPeers, s -> s.getAsInt()).strongReference(true) // a lambda: nothing else holds it
                .description("Peers slow to confirm, whose messages are forwarded apart from the others'").register(registry);
    }

    /** Starts a turn ({@link PeerTurns}) for each slow peer that is up, has parked envelopes and no turn now. */
    void look() {
        parked.counts().forEach((peer, count) -> {
            if (count > 0 && due(peer)) {
                turns.offer(peer);
            }
        });
    }

    private boolean due(String peer) {
        return links.slow(peer) && !knownDown.test(peer);
    }

    /** One batch from the head of {@code peer}'s parking queue, in one local transaction; how many went to the peer. */
    int forwardBatch(String peer) throws JMSException {
        try (Connection connection = local.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = session.createConsumer(session.createQueue(ParkedEnvelopes.queueOf(peer)))) {
            connection.start();
            Map<Exchange, Message> received = new IdentityHashMap<>();
            List<Exchange> batch = new ArrayList<>();
            long bytes = 0;
            for (Message message = consumer.receive(1000); message != null; message = consumer.receiveNoWait()) {
                Exchange exchange = exchangeOf(message, session);
                received.put(exchange, message);
                batch.add(exchange);
                bytes += message instanceof BytesMessage body ? body.getBodyLength() : 0;
                if (batch.size() >= batchSize || bytes >= batchBytes) {
                    break;
                }
            }
            if (batch.isEmpty()) {
                return 0;
            }
            PeerForwarder.Outcome outcome = forwarder.forwardSlow(batch);
            List<Exchange> refusedByPeer = outcome.down().stream()
                    .filter(exchange -> exchange.getIn().getHeader(Headers.PEER_REFUSAL) != null).toList();
            if (!outcome.unsent().isEmpty() || refusedByPeer.size() < outcome.down().size()) {
                // the peer went down, or its line is being opened: the batch stays parked, at the head, in its order
                session.rollback();
                return 0;
            }
            for (Exchange exchange : refusedByPeer) {
                parked.park(session, received.get(exchange), peer, exchange.getIn().getHeader(Headers.PEER_REFUSAL, String.class));
            }
            if (!outcome.refused().isEmpty()) {
                // the forwarder's route dead-letters them there (EXPIRED, RECIPIENT_REVOKED, MALFORMED, ...)
                try (MessageProducer outbound = session.createProducer(session.createQueue(ParkedEnvelopes.OUTBOUND))) {
                    outbound.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (Exchange exchange : outcome.refused()) {
                        outbound.send(ParkedEnvelopes.copy(session, received.get(exchange)));
                    }
                }
            }
            forwarder.recordForwarded(outcome); // last before the commit, as the forwarder's batches do
            session.commit();
            return outcome.forwarded().size();
        }
    }

    /** A parked envelope as the forwarder reads one off the outbound queue. */
    private Exchange exchangeOf(Message message, Session session) {
        Exchange exchange = new DefaultExchange(camel);
        JmsMessage in = new JmsMessage(exchange, message, session, binding);
        in.getHeaders();
        in.getBody(byte[].class);
        exchange.setIn(in);
        return exchange;
    }

    @Override
    public void close() {
        looks.shutdownNow();
        threads.shutdownNow();
    }
}
