package org.jukibus.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.jukibus.flow.Headers;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Raw broker, no crypto, plain persistent JMS messages of the envelope's size, both ends in
 * transacted batches of {@value #BATCH} so that the client is not what limits (a sync send per
 * message waits for the journal each time and measures the client, not the broker):
 * <ul>
 *   <li><b>broker limit</b>: produced to and consumed from the recipient's inbound queue on its own
 *       broker (the node's local connection factory);</li>
 *   <li><b>same forwarding</b>: produced to the sender's outbound queue, forwarded by the node's own
 *       forward-outbound route over the same TLS link as a notice, consumed from the recipient's
 *       inbound queue as the delivery consumes it.</li>
 * </ul>
 * The recipient's delivery route is stopped meanwhile.
 */
final class RawBroker {

    static final int BATCH = 50;
    /** Bytes the benchmark's consumers may prefetch (Artemis' default). */
    private static final int CONSUMER_WINDOW = 1024 * 1024;

    private final Nodes nodes;
    private final int size;
    private final AtomicLong serial = new AtomicLong();

    RawBroker(Nodes nodes, int size) {
        this.nodes = nodes;
        this.size = size;
    }

    record Run(int count, double rate, Latencies latencies) {
    }

    void measure(Settings settings, Report report) throws Exception {
        CamelContext recipient = nodes.context(BenchNetwork.RECIPIENT).getBean(CamelContext.class);
        ConnectionFactory out = factory(BenchNetwork.SENDER);
        ConnectionFactory in = factory(BenchNetwork.RECIPIENT);
        recipient.getRouteController().stopRoute(BenchNetwork.DELIVERY_ROUTE);
        try {
            measure("raw broker limit (recipient's broker, local client, transacted batches of " + BATCH + ")",
                    "raw", in, in, settings, report, "", 0);
            measure("raw same-forwarding path (outbound queue → forward-outbound over TLS → inbound queue)",
                    "raw-forwarding", out, in, settings, report, "≥ 5,000/s", 5000);
        } finally {
            recipient.getRouteController().startRoute(BenchNetwork.DELIVERY_ROUTE);
        }
    }

    private void measure(String what, String key, ConnectionFactory producerSide, ConnectionFactory consumerSide,
                         Settings settings, Report report, String target, double goal) throws Exception {
        String queue = producerSide == consumerSide ? BenchNetwork.INBOUND : "jukibus.outbound";
        run(producerSide, queue, consumerSide, Math.min(settings.notices(), 1000)); // warm-up
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            Run r = run(producerSide, queue, consumerSide, settings.notices());
            Bench.say(String.format("%s, run %d: %.0f messages/s, p50/p95/p99 %s ms", key, i + 1, r.rate(), r.latencies().summary()));
            runs.add(r);
        }
        Figure rate = Figure.of(runs, Run::rate);
        report.keep(key, rate);
        report.row(what, rate.format("%,.0f") + " messages/s, p99 " + Figure.of(runs, r -> r.latencies().percentileMillis(99)).format("%.1f") + " ms",
                target, goal > 0 ? Report.met(rate.median() >= goal) : "");
    }

    /**
     * The node's own in-VM factory, but with a consumer window: the node's factory has none (its cached sessions must
     * not hold prefetched messages), which makes every receive a credit round trip to the broker; the benchmark's
     * client, with a consumer of its own opened and closed per run, has no such constraint, and without a window it
     * capped the "broker limit" near 3,000/s on this machine, below the forwarding target it is compared with.
     */
    private ConnectionFactory factory(String code) {
        CachingConnectionFactory local = nodes.context(code).getBean("localConnectionFactory", CachingConnectionFactory.class);
        ActiveMQConnectionFactory node = (ActiveMQConnectionFactory) local.getTargetConnectionFactory();
        ActiveMQConnectionFactory windowed = new ActiveMQConnectionFactory(false, node.getStaticConnectors());
        windowed.setUser(node.getUser());
        windowed.setPassword(node.getPassword());
        windowed.setConsumerWindowSize(CONSUMER_WINDOW);
        return windowed;
    }

    /** {@code count} messages put on {@code queue} and taken off the recipient's inbound queue. */
    Run run(ConnectionFactory producerSide, String queue, ConnectionFactory consumerSide, int count) throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        AtomicLong lastReceived = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                consume(consumerSide, count, sent, latencies, lastReceived);
            } catch (Exception e) {
                failure.set(e);
            }
        }, "bench-raw-consumer");
        consumer.start();
        long first = System.nanoTime();
        produce(producerSide, queue, count, sent);
        consumer.join(Settings.patience(count).toMillis());
        if (failure.get() != null || consumer.isAlive()) {
            throw new IllegalStateException("raw run did not complete: " + latencies.count() + " of " + count + " received", failure.get());
        }
        return new Run(count, count / ((lastReceived.get() - first) / 1e9), latencies);
    }

    private void produce(ConnectionFactory factory, String queue, int count, Map<String, Long> sent) throws Exception {
        byte[] body = new byte[size];
        new Random(1).nextBytes(body);
        try (Connection c = factory.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer p = s.createProducer(s.createQueue(queue))) {
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            List<String> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < count; i++) {
                String id = "raw-" + serial.incrementAndGet() + "-" + System.nanoTime();
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                m.setStringProperty(Headers.MESSAGE_ID, id);
                m.setStringProperty(Headers.TYPE, BenchNetwork.TYPE);
                m.setStringProperty(Headers.RECIPIENT, BenchNetwork.RECIPIENT);
                m.setStringProperty(Headers.ADDRESS, BenchNetwork.INBOUND);
                m.setStringProperty(Headers.DUPLICATE_ID, id);
                p.send(m);
                batch.add(id);
                if (batch.size() == BATCH || i == count - 1) {
                    long now = System.nanoTime();
                    batch.forEach(b -> sent.put(b, now));
                    s.commit();
                    batch.clear();
                }
            }
        }
    }

    private static void consume(ConnectionFactory factory, int count, Map<String, Long> sent, Latencies latencies,
                                AtomicLong lastReceived) throws Exception {
        // the consumer is closed at the end, with its connection: what it prefetched goes back to the queue
        try (Connection c = factory.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer mc = s.createConsumer(s.createQueue(BenchNetwork.INBOUND))) {
            c.start();
            long deadline = System.nanoTime() + Settings.patience(count).toNanos();
            List<String> batch = new ArrayList<>(BATCH);
            while (latencies.count() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(latencies.count() + " of " + count + " received in " + Settings.patience(count));
                }
                Message m = mc.receive(Duration.ofMillis(100).toMillis());
                if (m != null) {
                    ((BytesMessage) m).readBytes(new byte[(int) ((BytesMessage) m).getBodyLength()]);
                    batch.add(m.getStringProperty(Headers.MESSAGE_ID));
                }
                if (batch.size() == BATCH || (m == null && !batch.isEmpty())) {
                    s.commit();
                    long now = System.nanoTime();
                    for (String id : batch) {
                        Long t = sent.get(id);
                        if (t != null) { // a message of this run (not one left over from another)
                            latencies.add(now - t);
                        }
                    }
                    lastReceived.set(now);
                    batch.clear();
                }
            }
        }
    }
}
