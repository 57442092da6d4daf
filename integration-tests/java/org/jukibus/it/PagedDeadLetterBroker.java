package org.jukibus.it;

import java.time.Instant;
import java.time.Period;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.QueueSweep;
import org.jukibus.erasure.DeadLetterErasure;
import org.jukibus.flow.Headers;
import org.jukibus.flow.OwedNoticeGiver;

/**
 * The process {@link DeadLetterPagingIT} forks at a small heap: a node's broker started by {@link NodeBroker} from the
 * municipal broker.xml as shipped (32 MiB global bound, 10 MiB read back per queue), with the node's in-VM client
 * settings, and {@code -Djukibus.dlq.node-mib=N} MiB kept live beside it as the rest of the node does. It fills
 * {@code jukibus.dlq} so that it pages: first {@value #HEAD} young letters of flow {@code a} (more than the queue reads
 * back, none past its term), then {@value #MIXED} alternating between a letter past its term (flow {@code a}) and a young
 * one (flows {@code a} and {@code b} in turn). Prints {@code RESULT name=value} lines; an OutOfMemoryError ends the
 * process (-XX:+ExitOnOutOfMemoryError).
 *
 * <p>Arguments: broker-config directory, data directory, mode, letter bytes. Modes: {@code sweep} runs the node's
 * dead-letter erasure and then a purge of flow {@code b}'s letters nobody is owed a notice for, as {@code jukibus dlq
 * purge b} removes them ({@link QueueSweep}); {@code broker} removes the letters past their term with the broker's own
 * {@code QueueControl.removeMessages(filter)}, as the erasure did before (the control).
 */
final class PagedDeadLetterBroker {

    static final int HEAD = 40;
    static final int MIXED = 360;
    private static final String DLQ = "jukibus.dlq";

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.out.flush();
            Runtime.getRuntime().halt(3); // the broker's threads would keep the process alive
        }
    }

    private static void run(String[] args) throws Exception {
        java.nio.file.Path configDir = java.nio.file.Path.of(args[0]);
        java.nio.file.Path data = java.nio.file.Path.of(args[1]);
        String mode = args[2];
        int bytes = Integer.parseInt(args[3]);
        ForkedBroker.holdNodeHeap(Integer.getInteger("jukibus.dlq.node-mib", 0));

        ForkedBroker.Started started = ForkedBroker.start(configDir, "municipal", "paged-dlq", data);
        NodeBroker broker = started.broker();
        ActiveMQConnectionFactory factory = started.factory();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean paged = new AtomicBoolean();
        AtomicLong mostLiveHeap = new AtomicLong();
        Thread watch = ForkedBroker.watch(stop, 50, () -> {
            if (broker.server().getPagingManager().getPageStore(SimpleString.of(DLQ)).isPaging()) {
                paged.set(true);
            }
            mostLiveHeap.accumulateAndGet(liveHeap(), Math::max);
        });

        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        long old = now.minus(java.time.Duration.ofDays(3 * 365)).toEpochMilli();
        int past = put(factory, bytes, old, now.toEpochMilli());
        System.out.println("RESULT put=" + (HEAD + MIXED) + " pastTerm=" + past + " paged=" + paged.get());
        QueueControl dlq = (QueueControl) broker.server().getManagementService().getResource(ResourceNames.QUEUE + DLQ);
        String pastTerm = Headers.REJECTED_AT_MILLIS + " < " + (old + 1);
        System.out.println("RESULT managementCount=" + dlq.countMessages(pastTerm)
                + " sweepCount=" + new QueueSweep(factory, broker.server(), DLQ).count(pastTerm));
        long heapBefore = mostLiveHeap.getAndSet(0);
        System.out.println("RESULT liveHeapWhilePutMiB=" + heapBefore / (1024 * 1024));

        if (mode.equals("broker")) {
            int removed = dlq.removeMessages(pastTerm);
            System.out.println("RESULT removed=" + removed);
        } else {
            int erased = new DeadLetterErasure(factory, broker, Period.ofYears(1)).eraseAsOf(now);
            System.out.println("RESULT erased=" + erased);
            System.out.println("RESULT afterErasure=" + letters(factory));
            QueueSweep.Swept purged = new QueueSweep(factory, broker.server(), DLQ)
                    .remove(Headers.FLOW + " = 'b' AND " + OwedNoticeGiver.NOT_TELLABLE);
            System.out.println("RESULT purged=" + purged.removed() + " purgeComplete=" + purged.complete()
                    + " purgeWalked=" + purged.walked());
            System.out.println("RESULT afterPurge=" + letters(factory));
        }
        System.out.println("RESULT depthAfter=" + dlq.getMessageCount());
        stop.set(true);
        watch.join();
        System.out.println("RESULT mostLiveHeapMiB=" + mostLiveHeap.get() / (1024 * 1024));
        System.out.println("RESULT maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.flush();
        broker.close();
        System.exit(0);
    }

    /** The letters, as the node's dead-lettering leaves them (persistent, a duplicate id); returns how many are past their term. */
    private static int put(ActiveMQConnectionFactory factory, int bytes, long old, long young) throws Exception {
        Random random = new Random(7);
        int past = 0;
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(DLQ));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            byte[] body = new byte[bytes];
            for (int n = 0; n < HEAD + MIXED; n++) {
                boolean pastTerm = n >= HEAD && (n - HEAD) % 2 == 0;
                String flow = n >= HEAD && (n - HEAD) % 4 == 1 ? "b" : "a";
                random.nextBytes(body);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                m.setStringProperty(Headers.MESSAGE_ID, (pastTerm ? "old-" : "young-") + flow + "-" + n);
                m.setStringProperty(Headers.DUPLICATE_ID, "dead:" + n);
                m.setStringProperty(Headers.FLOW, flow);
                m.setLongProperty(Headers.REJECTED_AT_MILLIS, pastTerm ? old : young);
                producer.send(m);
                past += pastTerm ? 1 : 0;
            }
        }
        return past;
    }

    /** What the queue holds, counted by kind ("old-a", "young-b" …), and how many message ids are there twice. */
    private static String letters(ActiveMQConnectionFactory factory) throws Exception {
        Map<String, Integer> kinds = new TreeMap<>();
        Set<String> ids = new java.util.HashSet<>();
        int twice = 0;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = s.createBrowser(s.createQueue(DLQ))) {
                for (var e = browser.getEnumeration(); e.hasMoreElements(); ) {
                    Message m = (Message) e.nextElement();
                    String id = m.getStringProperty(Headers.MESSAGE_ID);
                    twice += ids.add(id) ? 0 : 1;
                    kinds.merge(id.substring(0, id.lastIndexOf('-')), 1, Integer::sum);
                }
            }
        }
        return kinds.toString().replace(" ", "") + ",twice=" + twice;
    }

    /** The heap in use after the last collection (what is live), summed over the heap's pools. */
    private static long liveHeap() {
        long live = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
            }
        }
        return live;
    }
}
