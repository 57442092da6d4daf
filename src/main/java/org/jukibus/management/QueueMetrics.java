package org.jukibus.management;

import java.time.Duration;
import org.jukibus.core.PeriodicJob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Consumer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.jukibus.broker.NodeBroker;
import org.jukibus.flow.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a queue watcher looks at, read off the node's broker every {@link #INTERVAL_SECONDS} seconds (reading it at
 * every scrape would walk a long outbound queue for each scraper):
 * <ul>
 *   <li>{@code jukibus_queue_depth{queue}}, {@code jukibus_queue_oldest_age_seconds{queue}}: every {@code jukibus.*}
 *       queue (outbound, dead letters, each inbound queue), 0 when empty</li>
 *   <li>{@code jukibus_outbound_depth{peer}}, {@code jukibus_outbound_oldest_age_seconds{peer}}: what waits to leave
 *       for each peer, in the outbound queue by recipient and in the peer's parking queue (flow.ParkedEnvelopes: its
 *       envelopes while it is down), for the peers something waits for (a series disappears when its peer's backlog
 *       is gone)</li>
 * </ul>
 * Ages are from the time the message was first put on this broker's outbound or inbound queue (its timestamp, or
 * {@link Headers#QUEUED_AT_MILLIS} on an envelope that was parked or put back to wait by the
 * batched forwarder) to the node's clock, with messages waiting out a
 * redelivery delay and those being delivered included. A passive backup's broker has no queues: no rows. A parking
 * queue is counted whole (the broker's count) and read at its head only: nothing consumes it, so its head is its
 * oldest envelope.
 * <p>
 * Depths are the broker's counts. Ages and the per-peer figures come from reading at most {@link #READ_LIMIT}
 * messages (and at most {@link #READ_BYTES} of them) of each queue from its head (the oldest), and as many of those
 * waiting out a redelivery delay: after a 4-day outage the outbound queue holds hundreds of thousands, mostly paged
 * to disk, and reading them all every ten seconds would compete with the drain (with identity updates of up to 1 MiB
 * each, 10,000 of them would be gigabytes read back from the page files every round). A peer whose first message lies deeper than that is left out of the
 * per-peer series until the queue ahead of it shrinks; those ahead of it are older, so the backlog alert still fires.
 */
public final class QueueMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
    static final int INTERVAL_SECONDS = 10;
    static final int READ_LIMIT = 10_000;
    /** What one round reads of one queue's messages at most (their memory estimate), paged or not. */
    static final long READ_BYTES = 16L * 1024 * 1024;
    private static final String PREFIX = "jukibus.";
    private static final String OUTBOUND = "jukibus.outbound";

    private final NodeBroker broker;
    private final Clock clock;
    private final MultiGauge queueDepth;
    private final MultiGauge queueAge;
    private final MultiGauge outboundDepth;
    private final MultiGauge outboundAge;
    private final String node;
    /** Per parking queue: its id, how many had left it, when its head was first queued (see parkedHead). */
    private final Map<String, long[]> parkedHeads = new java.util.concurrent.ConcurrentHashMap<>();
    private PeriodicJob timer;

    public QueueMetrics(NodeBroker broker, Clock clock, MeterRegistry registry, String node) {
        this.broker = broker;
        this.clock = clock;
        queueDepth = MultiGauge.builder("jukibus.queue.depth").description("Messages waiting in the queue").register(registry);
        queueAge = MultiGauge.builder("jukibus.queue.oldest.age").baseUnit("seconds")
                .description("Age of the oldest message in the queue, 0 when empty").register(registry);
        outboundDepth = MultiGauge.builder("jukibus.outbound.depth").description("Messages waiting in the outbound queue for the peer")
                .register(registry);
        outboundAge = MultiGauge.builder("jukibus.outbound.oldest.age").baseUnit("seconds")
                .description("Age of the oldest message waiting in the outbound queue for the peer").register(registry);
        this.node = node;
    }

    /** Reads the queues now and then every {@link #INTERVAL_SECONDS} seconds. */
    public QueueMetrics start() {
        timer = PeriodicJob.start("jukibus-" + node + "-queue-metrics", Duration.ZERO, Duration.ofSeconds(INTERVAL_SECONDS), this::refreshQuietly);
        return this;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("could not read the queue metrics: {}", e.toString()); // the next round tries again
        }
    }

    /** Reads every jukibus queue's depth and oldest message, and the outbound queue's per recipient. */
    void refresh() {
        ActiveMQServer server = broker.server();
        List<MultiGauge.Row<?>> depths = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        Map<String, Backlog> byPeer = new HashMap<>();
        if (server != null && server.isActive()) {
            long now = clock.millis();
            for (String name : server.getActiveMQServerControl().getQueueNames()) {
                Queue queue = name.startsWith(PREFIX) ? server.locateQueue(SimpleString.of(name)) : null;
                if (queue == null) {
                    continue;
                }
                Backlog all = new Backlog();
                if (name.startsWith(NodeBroker.PARKED_PREFIX)) {
                    long oldest = parkedHead(queue);
                    all.add(queue.getMessageCount(), oldest);
                    byPeer.computeIfAbsent(NodeBroker.parkedPeer(name), p -> new Backlog())
                            .add(queue.getMessageCount(), oldest);
                    Tags tags = Tags.of("queue", name);
                    depths.add(MultiGauge.Row.of(tags, queue.getMessageCount()));
                    ages.add(MultiGauge.Row.of(tags, all.ageSeconds(now)));
                    continue;
                }
                forEachMessage(queue, ref -> {
                    long timestamp = queuedAt(ref);
                    all.add(timestamp);
                    if (name.equals(OUTBOUND)) {
                        Object peer = ref.getMessage().getObjectProperty(Headers.RECIPIENT);
                        byPeer.computeIfAbsent(String.valueOf(peer), p -> new Backlog()).add(timestamp);
                    }
                });
                Tags tags = Tags.of("queue", name);
                depths.add(MultiGauge.Row.of(tags, queue.getMessageCount()));
                ages.add(MultiGauge.Row.of(tags, all.ageSeconds(now)));
            }
            queueDepth.register(depths, true);
            queueAge.register(ages, true);
            outboundDepth.register(byPeer.entrySet().stream()
                    .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("peer", e.getKey()), e.getValue().count)).toList(), true);
            outboundAge.register(byPeer.entrySet().stream()
                    .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("peer", e.getKey()), e.getValue().ageSeconds(now))).toList(), true);
            return;
        }
        queueDepth.register(List.of(), true);
        queueAge.register(List.of(), true);
        outboundDepth.register(List.of(), true);
        outboundAge.register(List.of(), true);
    }

    /**
     * The queued messages from the head, those waiting out a redelivery delay (at most {@link #READ_LIMIT} and
     * {@link #READ_BYTES} of each), and those out to a consumer (bounded by the consumers' windows).
     */
    static void forEachMessage(Queue queue, java.util.function.Consumer<MessageReference> action) {
        try (LinkedListIterator<MessageReference> it = queue.browserIterator()) {
            long bytes = 0;
            for (int read = 0; read < READ_LIMIT && bytes < READ_BYTES && it.hasNext(); read++) {
                MessageReference ref = it.next();
                bytes += ref.getMessageMemoryEstimate();
                action.accept(ref);
            }
        }
        long[] bytes = {0};
        queue.getScheduledMessages().stream().limit(READ_LIMIT).takeWhile(ref -> bytes[0] < READ_BYTES).forEach(ref -> {
            bytes[0] += ref.getMessageMemoryEstimate();
            action.accept(ref);
        });
        try {
            // the consumers' messages and those of sessions closed before their commit (a linger session)
            queue.getDeliveringMessages().values().forEach(refs -> refs.forEach(action));
            return;
        } catch (NullPointerException closing) {
            // Artemis 2.40 clears a closing consumer's session before the queue lets go of it, and then its
            // getDeliveringMessages throws (ServerSession.getInTXMessagesForConsumer on null). The delivery consumers
            // open and close one every idle receive (CACHE_NONE), so the whole round failed now and then: a WARN and
            // no metrics for 10 s. Read consumer by consumer instead, leaving out the one closing.
            log.debug("a consumer of {} closed while it was read: read one by one ({})", queue.getName(), closing.getMessage());
        }
        for (Consumer consumer : queue.getConsumers()) {
            List<MessageReference> delivering;
            try {
                delivering = consumer.getDeliveringMessages();
            } catch (NullPointerException closedMeanwhile) {
                continue; // a closed consumer holds nothing: what it had is back in the queue or acknowledged
            }
            delivering.forEach(action);
        }
    }

    /** When a message was first queued: a parked envelope keeps that time in a property (its copies are new messages). */
    static long queuedAt(MessageReference ref) {
        Object first = ref.getMessage().getObjectProperty(Headers.QUEUED_AT_MILLIS);
        return first instanceof Long millis ? millis : ref.getMessage().getTimestamp();
    }

    /**
     * When the head of a parking queue was first queued; 0 when it is empty. Read again only once something left the
     * queue (its head may have changed): a paged head is a page read from disk, for each parking queue every round.
     */
    private long parkedHead(Queue queue) {
        long taken = queue.getMessagesAcknowledged() + queue.getMessagesExpired() + queue.getMessagesKilled();
        long[] known = parkedHeads.get(queue.getName().toString());
        if (known != null && known[0] == queue.getID() && known[1] == taken && known[2] > 0) {
            return known[2];
        }
        long oldest;
        try (LinkedListIterator<MessageReference> it = queue.browserIterator()) {
            oldest = it.hasNext() ? queuedAt(it.next()) : 0;
        }
        parkedHeads.put(queue.getName().toString(), new long[] {queue.getID(), taken, oldest});
        return oldest;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }

    /** Count and oldest timestamp of some messages. */
    private static final class Backlog {
        long count;
        long oldest = Long.MAX_VALUE;

        void add(long timestamp) {
            add(1, timestamp);
        }

        void add(long messages, long timestamp) {
            count += messages;
            if (messages > 0 && timestamp > 0) {
                oldest = Math.min(oldest, timestamp);
            }
        }

        double ageSeconds(long now) {
            return count == 0 || oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest) / 1000.0;
        }
    }
}
