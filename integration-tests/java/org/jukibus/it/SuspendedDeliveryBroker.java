package org.jukibus.it;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.jukibus.broker.NodeBroker;
import org.jukibus.flow.DeliverySuspension;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.TransientFailure;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * The process {@link OutageBacklogIT} forks for an outage at the recipient: a node's broker from a role's broker.xml as
 * shipped ({@link ForkedBroker}), and the delivery route's consumer as the node runs it (Camel's JMS consumer, a local
 * transaction per message begun by the {@link JmsTransactionManager}, {@code CACHE_NONE}, one to four consumers), whose
 * first step is {@link DeliverySuspension#pass} (mode {@code suspended}) or nothing (mode {@code unsuspended}, the
 * node before the suspension), and whose delivery fails with {@code OUTBOX_UNWRITABLE} while the outbox is "broken".
 * The envelopes are put on the inbound queue while every delivery fails; after the seconds given the outbox is
 * repaired, and every envelope must be delivered once. Prints {@code RESULT name=value} lines; an OutOfMemoryError ends
 * the process (-XX:+ExitOnOutOfMemoryError).
 *
 * <p>Arguments: broker-config directory, role, data directory, mode, envelopes, envelope bytes, seconds.
 */
final class SuspendedDeliveryBroker {

    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final String ID = "BacklogId";

    public static void main(String[] args) throws Exception {
        Path configDir = Path.of(args[0]);
        String role = args[1];
        Path data = Path.of(args[2]);
        boolean suspending = args[3].equals("suspended");
        int envelopes = Integer.parseInt(args[4]);
        int bytes = Integer.parseInt(args[5]);
        long millis = Long.parseLong(args[6]) * 1000;
        ForkedBroker.holdNodeHeap(Integer.getInteger("jukibus.backlog.node-mib", 0));

        ForkedBroker.Started started = ForkedBroker.start(configDir, role, "inbound-" + role, data);
        NodeBroker broker = started.broker();
        Queue inbound = broker.server().locateQueue(SimpleString.of(INBOUND));

        AtomicBoolean outboxBroken = new AtomicBoolean(true);
        AtomicLong failedDeliveries = new AtomicLong();
        Map<String, Integer> delivered = new ConcurrentHashMap<>();
        AtomicLong mostScheduled = new AtomicLong();
        AtomicLong mostDelivering = new AtomicLong();
        AtomicBoolean paged = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ForkedBroker.watch(stop, 100, () -> {
            mostScheduled.accumulateAndGet(inbound.getScheduledCount(), Math::max);
            mostDelivering.accumulateAndGet(inbound.getDeliveringCount(), Math::max);
            if (broker.server().getPagingManager().getPageStore(SimpleString.of(INBOUND)).isPaging()) {
                paged.set(true);
            }
        });

        // the node's JMS wiring (NodeConfiguration.jms): a session cache, the consumer's transaction begun by the manager
        CachingConnectionFactory local = new CachingConnectionFactory(started.factory());
        local.setSessionCacheSize(128);
        local.setCacheConsumers(false);
        JmsTransactionManager transactions = new JmsTransactionManager(local);
        JmsComponent jms = JmsComponent.jmsComponentTransacted(local, transactions);
        jms.setCacheLevelName("CACHE_NONE");
        DeliverySuspension suspension = new DeliverySuspension(new SimpleMeterRegistry(), Clock.systemUTC(),
                Duration.ofSeconds(1), Duration.ofSeconds(4));
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("jms", jms);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler()); // a failure rolls the consumer's transaction back: the broker redelivers
                from("jms:queue:" + INBOUND + "?transacted=true&concurrentConsumers=1&maxConcurrentConsumers=4")
                        .routeId("transfer-in-delivery")
                        .process(exchange -> {
                            if (suspending) {
                                suspension.pass(exchange);
                            }
                        })
                        .process(exchange -> {
                            if (outboxBroken.get()) {
                                failedDeliveries.incrementAndGet();
                                throw new TransientFailure(LegacyOutbox.UNWRITABLE, "cannot write outbox/transfer-in: No space left on device", null);
                            }
                            delivered.merge(exchange.getIn().getHeader(ID, String.class), 1, Integer::sum);
                        });
            }
        });
        camel.start();

        put(started.factory(), envelopes, bytes);
        System.out.println("RESULT put=" + envelopes);
        Thread.sleep(millis);
        System.out.println("RESULT failedWhileBroken=" + failedDeliveries.get() + " depthWhileBroken=" + inbound.getMessageCount()
                + " mostScheduled=" + mostScheduled.get() + " mostDelivering=" + mostDelivering.get()
                + " suspended=" + suspension.suspended().size());
        outboxBroken.set(false);

        long deadline = System.nanoTime() + 120_000_000_000L;
        while (delivered.size() < envelopes && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000); // a second copy would show now
        stop.set(true);
        System.out.println("RESULT delivered=" + delivered.size());
        System.out.println("RESULT duplicated=" + delivered.values().stream().filter(count -> count > 1).count());
        System.out.println("RESULT depthAfter=" + inbound.getMessageCount());
        System.out.println("RESULT paged=" + paged.get());
        System.out.println("RESULT resumed=" + suspension.suspended().isEmpty());
        System.out.flush();
        Runtime.getRuntime().halt(0); // the consumers' threads need no orderly end here
    }

    /** Envelopes a peer puts on this node's inbound queue (persistent, encrypted: nothing to compress). */
    private static void put(org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory factory, int envelopes, int bytes)
            throws Exception {
        Random random = new Random(42);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(INBOUND));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            byte[] body = new byte[bytes];
            for (int n = 0; n < envelopes; n++) {
                random.nextBytes(body);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                m.setStringProperty(ID, "backlog-" + n);
                producer.send(m);
            }
        }
    }
}
