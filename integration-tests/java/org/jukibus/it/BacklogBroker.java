package org.jukibus.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.broker.NodeBroker;
import org.jukibus.flow.ForwardRetries;
import org.jukibus.flow.Headers;
import org.jukibus.flow.ParkedEnvelopes;
import org.jukibus.link.PeerLinks;

/**
 * The process {@link OutageBacklogIT} forks at a small heap: a node's broker started by {@link NodeBroker} from a role's
 * broker.xml as shipped (its memory bound and start check included), with only its in-VM acceptor, and the node's own
 * client settings (in-VM consumer window 0, regular messages up to {@link NodeBroker#MIN_LARGE_MESSAGE_BYTES}).
 * {@code -Djukibus.backlog.node-mib=N} keeps N MiB live beside the broker, as the rest of the node does.
 * Prints {@code RESULT name=value} lines; an OutOfMemoryError ends the process (-XX:+ExitOnOutOfMemoryError).
 *
 * <p>Arguments: broker-config directory, role, data directory, mode, envelopes, envelope bytes, seconds. Modes:
 * <ul>
 *   <li>{@code put}: puts the envelopes on {@code jukibus.outbound} for a peer that is down, as the node does (with a
 *       duplicate id), nothing taking them, then ends the way a power cut ends a node ({@link Runtime#halt}: no
 *       shutdown, no flush);</li>
 *   <li>{@code drain}: starts again from that journal and those pages, the peer is up: a forwarder (a local
 *       transaction per envelope, as the node's) takes every envelope; waits up to the seconds given;</li>
 *   <li>{@code retry}: puts them while the forwarder takes each and parks it ({@link ParkedEnvelopes}, in the
 *       transaction that takes it), as the node's forwarder does while the peer is down, for the seconds given; then
 *       the peer comes up, the parked envelopes are moved back (its link's answer, and the periodic check for the
 *       ones parked after that) and the forwarder takes every envelope.</li>
 * </ul>
 */
final class BacklogBroker {

    /** jukibus.link.batch-size's default. */
    static final int BATCH_SIZE = 50;

    private static final String OUTBOUND = "jukibus.outbound";
    private static final String PEER = "131059";

    public static void main(String[] args) throws Exception {
        Path configDir = Path.of(args[0]);
        String role = args[1];
        Path data = Path.of(args[2]);
        String mode = args[3];
        int envelopes = Integer.parseInt(args[4]);
        int bytes = Integer.parseInt(args[5]);
        long millis = Long.parseLong(args[6]) * 1000;
        ForkedBroker.holdNodeHeap(Integer.getInteger("jukibus.backlog.node-mib", 0));

        ForkedBroker.Started started = ForkedBroker.start(configDir, role, "backlog-" + role, data);
        NodeBroker broker = started.broker();
        ActiveMQConnectionFactory factory = started.factory();

        Queue outbound = broker.server().locateQueue(SimpleString.of(OUTBOUND));
        AtomicBoolean peerUp = new AtomicBoolean(mode.equals("drain"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failedSends = new AtomicLong();
        AtomicLong mostUsedHeap = new AtomicLong();
        AtomicBoolean paged = new AtomicBoolean();
        AtomicLong mostPageFiles = new AtomicLong();
        Map<String, Integer> forwarded = new ConcurrentHashMap<>();

        Runtime rt = Runtime.getRuntime();
        Thread watch = ForkedBroker.watch(stop, 100, () -> {
            mostUsedHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
            if (broker.server().getPagingManager().getPageStore(SimpleString.of(OUTBOUND)).isPaging()
                    || parkingPaged(broker)) {
                paged.set(true);
            }
            mostPageFiles.accumulateAndGet(pageFiles(data.resolve("paging")), Math::max);
        });

        if (mode.equals("put")) {
            put(factory, envelopes, bytes);
            stop.set(true);
            watch.join();
            System.out.println("RESULT put=" + envelopes + " paged=" + paged.get() + " mostPageFiles=" + mostPageFiles.get()
                    + " mostUsedHeapMiB=" + mostUsedHeap.get() / (1024 * 1024));
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }

        // as the node: a peer back is told by its link; every check moves back what a peer not known down has parked
        ParkedEnvelopes parked = new ParkedEnvelopes(broker.server(), factory)
                .schedule(peer -> !peerUp.get(), peer -> false, java.time.Duration.ofDays(30), java.time.Clock.systemUTC(),
                        java.time.Duration.ofSeconds(2), java.time.Duration.ofHours(1));
        ForwardRetries retries = ForwardRetries.of(OUTBOUND, broker.server().getAddressSettingsRepository().getMatch(OUTBOUND))
                .parkingIn(parked);
        Thread forwarder = new Thread(() -> forward(factory, parked, retries, peerUp, stop, failedSends, forwarded), "forwarder");
        forwarder.start();
        if (mode.equals("retry")) {
            put(factory, envelopes, bytes);
            System.out.println("RESULT put=" + envelopes);
            Thread.sleep(millis);
            System.out.println("RESULT failedSendsWhileDown=" + failedSends.get() + " waiting=" + outbound.getScheduledCount()
                    + " depth=" + outbound.getMessageCount() + " parkedWhileDown=" + parked.counts().getOrDefault(PEER, 0L));
            peerUp.set(true);
            parked.releaseFor(PEER);
        }
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (forwarded.size() < envelopes && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000); // a second copy would show now
        stop.set(true);
        forwarder.join();
        parked.close();

        System.out.println("RESULT forwarded=" + forwarded.size());
        System.out.println("RESULT unexpected=" + forwarded.keySet().stream()
                .filter(id -> !id.matches("backlog-[0-9]+") || Integer.parseInt(id.substring(8)) >= envelopes).count());
        System.out.println("RESULT duplicated=" + forwarded.values().stream().filter(count -> count > 1).count());
        System.out.println("RESULT depthAfter=" + (outbound.getMessageCount() + parked.counts().getOrDefault(PEER, 0L)));
        System.out.println("RESULT paged=" + paged.get());
        System.out.println("RESULT mostPageFiles=" + mostPageFiles.get());
        System.out.println("RESULT pageFilesAfter=" + pageFiles(data.resolve("paging")));
        System.out.println("RESULT mostUsedHeapMiB=" + mostUsedHeap.get() / (1024 * 1024));
        System.out.println("RESULT maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        broker.close();
        System.exit(0);
    }

    /** Envelopes for {@link #PEER} on the outbound queue, as the node puts them (persistent, with a duplicate id). */
    private static void put(ActiveMQConnectionFactory factory, int envelopes, int bytes) throws Exception {
        Random random = new Random(42);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OUTBOUND));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            byte[] body = new byte[bytes];
            for (int n = 0; n < envelopes; n++) {
                random.nextBytes(body); // an envelope is encrypted: nothing to compress
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                m.setStringProperty(Headers.MESSAGE_ID, "backlog-" + n);
                m.setStringProperty(Headers.DUPLICATE_ID, "backlog-" + n);
                m.setStringProperty(Headers.RECIPIENT, PEER);
                producer.send(m);
            }
        }
    }

    /**
     * The node's default forwarder for one peer, as flow.OutboundBatchConsumer runs it: a local transaction per batch of
     * up to {@value #BATCH_SIZE} envelopes or {@link PeerLinks#BATCH_BYTES} of bodies, each envelope for the down peer
     * parked in it by {@link ForwardRetries#peerDown} (the batched forwarder's one place for a down peer). The sends to
     * the peer and the Camel route are left out: a peer that is up stores what it gets (counted here).
     */
    private static void forward(ActiveMQConnectionFactory factory, ParkedEnvelopes parked, ForwardRetries retries,
                                AtomicBoolean peerUp, AtomicBoolean stop, AtomicLong failedSends, Map<String, Integer> forwarded) {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            while (!stop.get()) {
                List<Message> batch = new ArrayList<>();
                List<byte[]> bodies = new ArrayList<>();
                long bytes = 0;
                try (MessageConsumer consumer = s.createConsumer(s.createQueue(OUTBOUND))) {
                    Message m = consumer.receive(200);
                    while (m != null) {
                        byte[] body = ((BytesMessage) m).getBody(byte[].class);
                        batch.add(m);
                        bodies.add(body);
                        bytes += body.length;
                        if (batch.size() >= BATCH_SIZE || bytes >= PeerLinks.BATCH_BYTES) {
                            break;
                        }
                        m = consumer.receiveNoWait();
                    }
                }
                if (batch.isEmpty()) {
                    continue;
                }
                boolean up = peerUp.get();
                for (int i = 0; i < batch.size(); i++) {
                    if (!up) {
                        failedSends.incrementAndGet();
                        retries.peerDown(s, batch.get(i), bodies.get(i), PEER); // PeerUnreachableException in forwardAll
                    } else {
                        forwarded.merge(batch.get(i).getStringProperty(Headers.MESSAGE_ID), 1, Integer::sum);
                    }
                }
                s.commit();
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(2);
        }
    }

    /** Whether the down peer's parking queue exists and pages. */
    private static boolean parkingPaged(NodeBroker broker) throws Exception {
        SimpleString parking = SimpleString.of(ParkedEnvelopes.queueOf(PEER));
        return broker.server().getPostOffice().getAddressInfo(parking) != null
                && broker.server().getPagingManager().getPageStore(parking).isPaging();
    }

    private static long pageFiles(Path paging) throws java.io.IOException {
        if (!Files.isDirectory(paging)) {
            return 0;
        }
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.walk(paging)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".page")).count();
            } catch (java.io.UncheckedIOException e) {
                if (attempt == 5) { // a page file deleted during the walk (the broker still consuming): walk again
                    throw e;
                }
            }
        }
    }
}
