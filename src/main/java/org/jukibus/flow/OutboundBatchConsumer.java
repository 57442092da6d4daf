package org.jukibus.flow;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 *       stored by its recipient now, and what the route could not finish, is put back to wait ({@link ForwardRetries});</li>
 *   <li>commit. Nothing is acknowledged locally before its recipient's broker stored it: a crash anywhere before the
 *       commit brings the whole batch back, and what was already stored is dropped there as a duplicate
 *       ({@link org.jukibus.link.PeerSender#sendAll}).</li>
 * </ol>
 * While the queue is idle only the first thread waits on it (a waiting consumer costs the broker a receive cycle
 * every {@value #IDLE_WAIT_MILLIS} ms); the others join in while messages keep coming.
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
    private final Object idle = new Object();
    /** Set for the threads of one start; a thread still finishing its batch after a stop never sees the next start's. */
    private volatile AtomicBoolean running = new AtomicBoolean();
    /**
     * Whether the last batch found messages: while they keep coming every thread forwards. (Not "came full": a producer
     * that commits in batches leaves the queue empty for a moment between them, and one thread took it all.)
     */
    private volatile boolean busy;
    private final List<Thread> threads = new ArrayList<>();

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
            int index = i;
            Thread thread = new Thread(() -> work(index, run), "jukibus-forward-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        running.set(false);
        synchronized (idle) {
            idle.notifyAll();
        }
        long deadline = System.nanoTime() + settings.stopWait().toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (thread.isAlive()) {
                // its batch is not committed: the broker gives it back, and its recipients drop what they already have
                log.warn("{} still forwarding after {}; its batch is rolled back and forwarded again", thread.getName(),
                        settings.stopWait());
            }
        }
        threads.clear();
        super.doStop();
    }

    private void work(int index, AtomicBoolean run) {
        while (run.get()) {
            if (index > 0 && !busy) {
                synchronized (idle) {
                    try {
                        idle.wait(IDLE_WAIT_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                continue;
            }
            try {
                boolean found = Boolean.TRUE.equals(transactions.execute(status -> jms.execute(this::batch, true)));
                if (found != busy) {
                    busy = found;
                    if (found) {
                        synchronized (idle) {
                            idle.notifyAll();
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.warn("a forwarding batch failed and was rolled back; its messages are forwarded again: {}", e.toString());
                busy = false; // one thread tries again, not all of them
                pause(run);
            }
        }
    }

    /** One batch on the transaction's session; whether it found any message. */
    private Boolean batch(Session session) throws JMSException {
        Map<Exchange, Message> received = new IdentityHashMap<>();
        Map<Exchange, byte[]> bodies = new IdentityHashMap<>();
        List<Exchange> batch = new ArrayList<>(settings.batchSize());
        MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
        try {
            Message message = consumer.receive(IDLE_WAIT_MILLIS);
            while (message != null) {
                Exchange exchange = exchangeOf(message, session);
                received.put(exchange, message);
                bodies.put(exchange, exchange.getIn().getBody(byte[].class));
                batch.add(exchange);
                if (batch.size() == settings.batchSize() || !running.get()) {
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
        try {
            PeerForwarder.Outcome outcome = settings.batchSize() == 1 ? new PeerForwarder.Outcome(batch, List.of())
                    : settings.forwarder().forwardAll(batch);
            for (Exchange exchange : outcome.refused()) {
                processRoute(exchange);
                if (exchange.getException() != null) {
                    settings.retries().later(session, received.get(exchange), bodies.get(exchange), exchange.getException());
                }
            }
            for (Exchange exchange : outcome.unsent()) {
                settings.retries().later(session, received.get(exchange), bodies.get(exchange), null);
            }
        } finally {
            batch.forEach(exchange -> releaseExchange(exchange, false));
        }
        return true;
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
