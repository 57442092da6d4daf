package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.jukibus.link.OutgoingMessage;
import org.jukibus.link.PeerSender;
import org.jukibus.link.PeerUnreachableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * The batched forwarder's consumer against a real (in-VM) broker, with the peers faked: no batch waits for another
 * (review H1), a batch ends at its byte budget (H3), a stop rolls back a batch still waiting for a peer (M3), a
 * message whose put-back fails rolls its batch back rather than losing it, and a down peer's messages take the one
 * put-back for down peers.
 */
class OutboundBatchConsumerTest {

    static final String QUEUE = "jukibus.outbound";
    static final String UP = "131041";
    static final String STUCK = "271004";
    static final String DOWN = "011002";
    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    static final AtomicInteger VM_IDS = new AtomicInteger(7300);

    EmbeddedActiveMQ broker;
    ActiveMQConnectionFactory local;
    CachingConnectionFactory caching;
    CamelContext camel;

    /** Which messages each fake peer stored, and the size of each batch's send. */
    final Map<String, List<String>> stored = Collections.synchronizedMap(new HashMap<>());
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch stuckRelease = new CountDownLatch(1);
    final AtomicInteger stuckInterrupted = new AtomicInteger();
    final List<String> peerDown = Collections.synchronizedList(new ArrayList<>());
    volatile String failingPutBack;
    /** The operation log's lines. */
    final List<org.jukibus.audit.AuditEvent> logged = Collections.synchronizedList(new ArrayList<>());

    final PeerSender peers = new PeerSender() {
        @Override
        public void send(String peer, OutgoingMessage message) {
            throw new AssertionError("a batch sends with sendAll");
        }

        @Override
        public Map<String, List<Exception>> sendAll(Map<String, List<OutgoingMessage>> byPeer) {
            batchSizes.add(byPeer.values().stream().mapToInt(List::size).sum());
            Map<String, List<Exception>> outcomes = new HashMap<>();
            byPeer.forEach((peer, messages) -> {
                if (peer.equals(STUCK)) {
                    try { // a peer that never confirms, and a send that no timeout of the client ends
                        stuckRelease.await();
                    } catch (InterruptedException e) {
                        stuckInterrupted.incrementAndGet();
                        Thread.currentThread().interrupt();
                    }
                    outcomes.put(peer, Collections.nCopies(messages.size(), new JMSException("not confirmed")));
                } else if (peer.equals(DOWN)) {
                    outcomes.put(peer, Collections.nCopies(messages.size(), new PeerUnreachableException("down", null)));
                } else {
                    messages.forEach(m -> stored.computeIfAbsent(peer, p -> Collections.synchronizedList(new ArrayList<>()))
                            .add(m.duplicateId()));
                    outcomes.put(peer, Collections.nCopies(messages.size(), null));
                }
            });
            return outcomes;
        }
    };

    final ForwardRetries retries = new ForwardRetries(QUEUE, Duration.ofMillis(200), 2, Duration.ofSeconds(1)) {
        @Override
        void later(Session session, Message original, byte[] body, Exception cause) throws JMSException {
            if (original.getStringProperty(Headers.MESSAGE_ID).equals(failingPutBack)) {
                throw new JMSException("put-back refused");
            }
            super.later(session, original, body, cause);
        }

        @Override
        public void peerDown(Session session, Message original, byte[] body, String peer) throws JMSException {
            peerDown.add(original.getStringProperty(Headers.MESSAGE_ID) + "@" + peer);
            super.peerDown(session, original, body, peer);
        }
    };

    void start(int batchSize, long batchBytes, int threads, Duration stopWait) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int vm = VM_IDS.getAndIncrement();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://" + vm);
        config.addAddressSetting("#", new AddressSettings().setMaxDeliveryAttempts(-1)); // rolled back as often as it takes
        config.addQueueConfiguration(QueueConfiguration.of(QUEUE).setRoutingType(RoutingType.ANYCAST));
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        local = new ActiveMQConnectionFactory("vm://" + vm);
        local.setConsumerWindowSize(0); // as the node's (NodeConfiguration#localConnectionFactory)
        caching = new CachingConnectionFactory(local);
        caching.setSessionCacheSize(threads + 2);
        caching.setCacheConsumers(false);
        PeerForwarder forwarder = new PeerForwarder(peers, Flows.standard(), FlowMetrics.none(), logged::add,
                Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC));
        camel = new DefaultCamelContext();
        camel.addComponent("outbound-batches", new OutboundBatches(new OutboundBatches.Settings(forwarder,
                new JmsTransactionManager(caching), caching, retries, batchSize, batchBytes, threads, stopWait)));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("outbound-batches:" + QUEUE).routeId("forward").autoStartup(false).bean(forwarder, "forward");
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        stuckRelease.countDown();
        if (camel != null) {
            camel.stop();
        }
        if (broker != null) {
            caching.destroy();
            local.close();
            broker.stop();
        }
    }

    @Test
    void a_batch_whose_peer_never_answers_holds_up_no_other_thread_even_after_an_idle_queue() throws Exception {
        start(5, 1 << 20, 3, Duration.ofSeconds(1));
        camel.getRouteController().startRoute("forward");
        Thread.sleep(1500); // idle: the threads wait for a first message
        put("stuck-1", STUCK, 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> !batchSizes.isEmpty()); // that batch now hangs
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ids.add("up-" + i);
            put("up-" + i, UP, 4);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> stored.getOrDefault(UP, List.of()).size() >= 40);
        assertThat(stored.get(UP)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(depth()).as("only the stuck peer's message is still held").isEqualTo(1);
    }

    @Test
    void a_batch_ends_at_its_byte_budget() throws Exception {
        start(50, 10, 1, Duration.ofSeconds(1));
        for (int i = 1; i <= 9; i++) {
            put("b-" + i, UP, 4);
        }
        camel.getRouteController().startRoute("forward");

        await().atMost(Duration.ofSeconds(10)).until(() -> stored.getOrDefault(UP, List.of()).size() == 9);
        assertThat(batchSizes).as("4-byte bodies, 10 bytes a batch: 3 messages each").containsExactly(3, 3, 3);
    }

    @Test
    void a_stop_rolls_back_a_batch_still_waiting_for_its_peer_and_cuts_that_wait() throws Exception {
        start(5, 1 << 20, 2, Duration.ofMillis(500));
        put("s-1", STUCK, 4);
        put("s-2", STUCK, 4);
        camel.getRouteController().startRoute("forward");
        await().atMost(Duration.ofSeconds(10)).until(() -> !batchSizes.isEmpty());
        assertThat(broker.getActiveMQServer().locateQueue(QUEUE).getDeliveringCount()).as("in flight").isEqualTo(2);

        long started = System.nanoTime();
        camel.getRouteController().stopRoute("forward");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the stop waits stopWait, not for the peer")
                .isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> stuckInterrupted.get() == 1); // the wait for the peer is ended
        await().atMost(Duration.ofSeconds(5)).until(() -> ids(browse()).size() == 2);
        assertThat(ids(browse())).as("the originals, back on the queue; no copies").containsExactlyInAnyOrder("s-1", "s-2");
        assertThat(browse()).allSatisfy(m -> assertThat(m.propertyExists(ForwardRetries.ATTEMPTS)).isFalse());
    }

    /**
     * A batch a stop rolls back has logged nothing, although one of its recipients had confirmed: its messages come
     * again, and the operation log would show that forward twice (review-fwdbatch3 L4).
     */
    @Test
    void a_batch_a_stop_rolls_back_logs_no_forward_its_messages_are_logged_once_when_forwarded_again() throws Exception {
        start(5, 1 << 20, 1, Duration.ofMillis(500));
        put("u-1", UP, 4); // confirmed at once
        put("s-1", STUCK, 4); // the same batch then waits for this one's peer
        camel.getRouteController().startRoute("forward");
        await().atMost(Duration.ofSeconds(10)).until(() -> stored.getOrDefault(UP, List.of()).contains("u-1"));

        camel.getRouteController().stopRoute("forward");
        await().atMost(Duration.ofSeconds(5)).until(() -> stuckInterrupted.get() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> ids(browse()).size() == 2);
        assertThat(logged).as("rolled back: nothing of it in the operation log").isEmpty();

        stuckRelease.countDown();
        camel.getRouteController().startRoute("forward");
        await().atMost(Duration.ofSeconds(10)).until(() -> peerDown.contains("s-1@" + STUCK));
        await().atMost(Duration.ofSeconds(10)).until(() -> !logged.isEmpty());
        camel.getRouteController().stopRoute("forward");
        assertThat(stored.get(UP)).as("sent again with its batch (the recipient drops the copy)").containsExactly("u-1", "u-1");
        assertThat(logged).extracting(org.jukibus.audit.AuditEvent::messageId).as("forwarded once, logged once")
                .containsExactly("u-1");
    }

    @Test
    void a_put_back_that_fails_rolls_back_its_batch_and_loses_nothing() throws Exception {
        start(10, 1 << 20, 1, Duration.ofSeconds(1));
        failingPutBack = "bad-1";
        put("ok-1", UP, 4);
        put("bad-1", DOWN, 4); // its put-back (peerDown, then later) fails
        put("ok-2", UP, 4);
        camel.getRouteController().startRoute("forward");

        await().atMost(Duration.ofSeconds(10)).until(() -> batchSizes.size() >= 2); // tried, rolled back, tried again
        camel.getRouteController().stopRoute("forward");
        await().atMost(Duration.ofSeconds(5)).until(() -> ids(browse()).size() == 3);
        assertThat(ids(browse())).as("the whole batch rolled back: the originals wait, none lost")
                .containsExactlyInAnyOrder("ok-1", "bad-1", "ok-2");
        assertThat(stored.get(UP)).as("sent again with its batch (the recipient drops the copy)").contains("ok-1", "ok-2");
    }

    @Test
    void a_down_peers_messages_wait_by_the_put_back_for_down_peers_the_others_go() throws Exception {
        start(10, 1 << 20, 1, Duration.ofSeconds(1));
        put("d-1", DOWN, 4);
        put("u-1", UP, 4);
        camel.getRouteController().startRoute("forward");

        await().atMost(Duration.ofSeconds(10)).until(() -> stored.getOrDefault(UP, List.of()).contains("u-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> peerDown.contains("d-1@" + DOWN));
        camel.getRouteController().stopRoute("forward");
        await().atMost(Duration.ofSeconds(5)).until(() -> ids(browse()).size() == 1); // once its scheduled time came
        assertThat(ids(browse())).as("waiting, as a copy").containsExactly("d-1");
        assertThat(browse().get(0).getIntProperty(ForwardRetries.ATTEMPTS)).isGreaterThanOrEqualTo(1);
    }

    private void put(String id, String recipient, int bytes) throws JMSException {
        try (Connection connection = local.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(new byte[bytes]);
            message.setStringProperty(Headers.MESSAGE_ID, id);
            message.setStringProperty(Headers.DUPLICATE_ID, id);
            message.setStringProperty(Headers.TYPE, "TransferInNotice");
            message.setStringProperty(Headers.RECIPIENT, recipient);
            message.setStringProperty(Headers.ADDRESS, "jukibus.inbound.transfer-in");
            message.setStringProperty(Headers.CREATED_AT, NOW.toString());
            producer.send(message);
        }
    }

    private long depth() {
        return broker.getActiveMQServer().locateQueue(QUEUE).getMessageCount();
    }

    private List<Message> browse() throws JMSException {
        try (Connection connection = local.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE));
            List<Message> all = new ArrayList<>();
            for (var e = browser.getEnumeration(); e.hasMoreElements(); ) {
                all.add((Message) e.nextElement());
            }
            return all;
        }
    }

    private static List<String> ids(List<Message> messages) throws JMSException {
        List<String> ids = new ArrayList<>();
        for (Message m : messages) {
            ids.add(m.getStringProperty(Headers.MESSAGE_ID));
        }
        return ids;
    }
}
