package org.jukibus.flow;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultConsumer;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of an {@link OutboundBatches} endpoint. Each runs batches, one local JMS transaction each:
 * <ol>
 *   <li>receive up to the batch size (waiting at most {@value #IDLE_WAIT_MILLIS} ms for the first message);</li>
 *   <li>{@link PeerForwarder#forwardAll}: the recipients' brokers store what they take, each message confirmed;</li>
 *   <li>the route, one message at a time, for a refused one: it dead-letters it (in this transaction); what is not
 *       stored by its recipient now because its peer is down is parked ({@link ForwardRetries#peerDown}), and what the
 *       route could not finish is put back to wait ({@link ForwardRetries#later});</li>
 *   <li>commit. Nothing is acknowledged locally before its recipient's broker stored it: a crash anywhere before the
 *       commit brings the whole batch back, and what was already stored is dropped there as a duplicate
 *       ({@link org.jukibus.link.PeerSender#sendAll}).</li>
 * </ol>
 * <p>No thread waits long for another: each takes its own batches, and a batch whose peer does not answer holds up only
 * its own thread, for at most the link's call timeout ({@link org.jukibus.link.PeerSender#sendAll}); one finding a line
 * being opened by another thread waits for that open only briefly (org.jukibus.link.LineOpeningException). While the queue is
 * idle only one thread at a time waits on it for a first message (a waiting consumer costs the broker a receive cycle
 * every {@value #IDLE_WAIT_MILLIS} ms); it hands the turn on as soon as it has one. The others wait for the turn
 * without a transaction: only a thread with the turn takes a session and commits.
 *
 * <p>A batch ends at the batch size or at {@code batchBytes} of bodies, whichever comes first: each message is held
 * about three times while in flight (the received message, its body, the outgoing copy kept until confirmed).
 */
final class OutboundBatchConsumer extends DefaultConsumer {

    private static final Logger log = LoggerFactory.getLogger(OutboundBatchConsumer.class);
    static final long IDLE_WAIT_MILLIS = 1000;
    /** After a batch failed as a whole (the local broker, the store): not at once again. */
    private static final long FAILED_BATCH_PAUSE_MILLIS = 1000;

    private final String queue;
    private final OutboundBatches.Settings settings;
    private final TransactionTemplate transactions;
    private final JmsTemplate jms;
    private final JmsBinding binding = new JmsBinding();
    /** The turn to wait on the queue for a first message: one thread at a time, released once it has one. */
    private final Semaphore poll = new Semaphore(1);
    /** Set for the threads of one start; a thread still finishing its batch after a stop never sees the next start's. */
    private volatile AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    /** Each thread's batch while it has one, for a stop that cannot wait for it. */
    private final Map<Thread, InFlight> inFlight = new ConcurrentHashMap<>();

    OutboundBatchConsumer(OutboundBatches.QueueEndpoint endpoint, Processor route, String queue, OutboundBatches.Settings settings) {
        super(endpoint, route);
        this.queue = queue;
        this.settings = settings;
        this.transactions = new TransactionTemplate(settings.transactions());
        this.jms = new JmsTemplate(settings.local());
        jms.setSessionTransacted(true);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AtomicBoolean run = new AtomicBoolean(true);
        running = run;
        for (int i = 0; i < settings.threads(); i++) {
            Thread thread = new Thread(() -> work(run), "jukibus-forward-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        running.set(false);
        long deadline = System.nanoTime() + settings.stopWait().toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (!thread.isAlive()) {
                continue;
            }
            InFlight batch = inFlight.get(thread);
            if (batch != null && batch.abandon(thread)) {
                // its messages are back on the queue now; what a recipient already stored it drops when they come again
                log.warn("{} still waiting for a peer after {}: its batch is rolled back now and forwarded again", thread.getName(),
                        settings.stopWait());
            } else if (batch != null) {
                log.warn("{} still finishing its batch on this node after {}: it commits or rolls back on its own", thread.getName(),
                        settings.stopWait());
            } else {
                log.info("{} ends after its current wait on the queue; it forwards nothing more", thread.getName());
            }
        }
        threads.clear();
        super.doStop();
    }

    private void work(AtomicBoolean run) {
        while (run.get()) {
            // the turn to wait on the queue comes before the transaction: a thread without it starts none (seven
            // threads each committing an empty transaction on the broker every second were most of an idle
            // forwarder's cost, issue 19 item 5)
            if (!awaitTurn(run)) {
                continue;
            }
            AtomicBoolean turn = new AtomicBoolean(true);
            try {
                transactions.execute(status -> jms.execute(session -> batch(session, run, turn), true));
            } catch (Error e) {
                // an OutOfMemoryError in a burst, a class gone after an upgrade under the running JVM: not the end of
                // this thread (the route and the health would still say started while nothing forwards)
                log.error("a forwarding batch failed and was rolled back; its messages are forwarded again", e);
                endTurn(turn); // not held through the pause: another thread may poll meanwhile
                pause(run);
            } catch (RuntimeException e) {
                if (!run.get()) {
                    log.info("{}: a forwarding batch ended by the stop was rolled back: {}", Thread.currentThread().getName(), e.toString());
                    return;
                }
                log.warn("a forwarding batch failed and was rolled back; its messages are forwarded again: {}", e.toString());
                endTurn(turn); // not held through the pause: another thread may poll meanwhile
                pause(run); // this thread; the others go on
            } finally {
                endTurn(turn); // if the transaction failed before the wait on the queue ended it
                inFlight.remove(Thread.currentThread());
            }
        }
    }

    /** Waits for the turn to wait on the queue, at most {@value #IDLE_WAIT_MILLIS} ms; false without it. */
    private boolean awaitTurn(AtomicBoolean run) {
        try {
            return poll.tryAcquire(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.set(false);
            return false;
        }
    }

    /** Hands the turn on, once: the next thread may wait for the next message. */
    private void endTurn(AtomicBoolean turn) {
        if (turn.getAndSet(false)) {
            poll.release();
        }
    }

    /** One batch on the transaction's session, its thread holding the turn; whether it found any message. */
    private Boolean batch(Session session, AtomicBoolean run, AtomicBoolean turn) throws JMSException {
        Map<Exchange, Message> received = new IdentityHashMap<>();
        Map<Exchange, byte[]> bodies = new IdentityHashMap<>();
        List<Exchange> batch = new ArrayList<>();
        MessageConsumer consumer;
        Message message;
        try {
            consumer = session.createConsumer(session.createQueue(queue));
            message = consumer.receive(IDLE_WAIT_MILLIS);
        } finally {
            endTurn(turn); // its turn ends with the first message (or none): the next thread may wait for the next
        }
        try {
            long bytes = 0;
            while (message != null) {
                Exchange exchange = exchangeOf(message, session);
                byte[] body = exchange.getIn().getBody(byte[].class);
                received.put(exchange, message);
                bodies.put(exchange, body);
                batch.add(exchange);
                bytes += body == null ? 0 : body.length;
                if (batch.size() >= settings.batchSize() || bytes >= settings.batchBytes() || !run.get()) {
                    break;
                }
                message = consumer.receiveNoWait();
            }
        } finally {
            consumer.close(); // what it received stays in this transaction
        }
        if (batch.isEmpty()) {
            return false;
        }
        if (!run.get()) {
            // stopped while receiving: not forwarded now, back on the queue with the rollback
            throw new JMSException("the route stopped before this batch was forwarded");
        }
        InFlight state = new InFlight(session);
        inFlight.put(Thread.currentThread(), state);
        try {
            PeerForwarder.Outcome outcome;
            state.sending(true);
            try {
                outcome = settings.forwarder().forwardAll(batch);
            } finally {
                state.sending(false); // throws if a stop rolled the batch back meanwhile: nothing more on this session
            }
            for (Exchange exchange : outcome.refused()) {
                processRoute(exchange);
                if (exchange.getException() != null) {
                    settings.retries().later(session, received.get(exchange), bodies.get(exchange), exchange.getException());
                }
            }
            for (Exchange exchange : outcome.unsent()) {
                settings.retries().later(session, received.get(exchange), bodies.get(exchange), null);
            }
            for (Exchange exchange : outcome.down()) {
                String recipient = exchange.getIn().getHeader(Headers.RECIPIENT, String.class);
                String refusal = exchange.getIn().getHeader(Headers.PEER_REFUSAL, String.class);
                if (refusal == null) {
                    settings.retries().peerDown(session, received.get(exchange), bodies.get(exchange), recipient);
                } else { // its broker refused it, the peer is up: parked with the reason, held back while it refuses
                    settings.retries().refused(session, received.get(exchange), bodies.get(exchange), recipient, refusal);
                }
            }
            // last before the commit: a batch rolled back before this point (a stop, a failed put-back) has logged
            // nothing, and its messages are logged when they are forwarded again
            settings.forwarder().recordForwarded(outcome);
        } finally {
            batch.forEach(exchange -> releaseExchange(exchange, false));
        }
        return true;
    }

    /**
     * A thread's batch while its recipients are asked (nothing happens on its session then): a stop that cannot wait
     * longer rolls it back, and the thread, once back, touches the session no more.
     */
    private static final class InFlight {
        private final Session session;
        private boolean sending;
        private boolean abandoned;

        InFlight(Session session) {
            this.session = session;
        }

        synchronized void sending(boolean now) throws JMSException {
            if (abandoned) {
                // the stop's interrupt has done its work (the wait ended, the batch's session dropped): the rollback that follows,
                // on a session the next start may take from the cache, must not fail for it
                Thread.interrupted();
                throw new JMSException("the route stopped while this batch waited for its recipients: rolled back");
            }
            sending = now;
        }

        /**
         * Rolls the batch back if its thread is only waiting for recipients, and interrupts that wait (which drops its
         * session on the peer's line, never the shared line); false if it is busy on this node.
         */
        synchronized boolean abandon(Thread thread) {
            if (!sending) {
                return false;
            }
            abandoned = true;
            thread.interrupt(); // under the lock: it lands before the thread can pass sending(false)
            try {
                session.rollback();
            } catch (JMSException | RuntimeException e) {
                log.warn("rolling back a stopped forwarding batch: {}; it is rolled back when its thread ends", e.toString());
            }
            return true;
        }
    }

    /**
     * The route's steps for one message, as the JMS consumer runs them: its error handling dead-letters a refused
     * message; an exception it does not handle stays on the exchange.
     */
    private void processRoute(Exchange exchange) {
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }

    /** The message as the JMS component makes it; its body read now (a large message's is gone with its consumer). */
    private Exchange exchangeOf(Message message, Session session) {
        Exchange exchange = createExchange(false);
        JmsMessage in = new JmsMessage(exchange, message, session, binding);
        in.getHeaders();
        in.getBody(byte[].class);
        exchange.setIn(in);
        return exchange;
    }

    private static void pause(AtomicBoolean run) {
        try {
            Thread.sleep(FAILED_BATCH_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.set(false);
        }
    }
}
