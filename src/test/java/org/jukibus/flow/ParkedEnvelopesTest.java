package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.broker.BrokerTemplate;
import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.broker.SecurityEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parking on the municipal broker.xml as shipped (its parking address settings included): the copy is the same
 * envelope without the local duplicate id, it is atomic with the acknowledgement, and the moves back are bounded and
 * lose or drop nothing, even for an id the outbound queue's duplicate cache has seen.
 */
class ParkedEnvelopesTest {

    static final String PEER = "131059";
    static final String OTHER = "271004";

    @TempDir
    Path dir;
    NodeBroker broker;
    ActiveMQConnectionFactory local;
    ParkedEnvelopes parked;

    @BeforeEach
    void start() throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String secret = "local-" + System.nanoTime();
        BrokerTemplate template = BrokerTemplate.load(Path.of("broker-config"), "municipal");
        Map<String, String> values = new HashMap<>();
        template.placeholders().forEach(p -> values.put(p, p.endsWith("port") ? "1" : "unused"));
        values.put("jukibus.broker.name", "parked-test");
        values.put("jukibus.broker.data", dir.toString());
        values.remove("jukibus.broker.vm-id");
        broker = NodeBroker.start(template, values,
                new NodeSecurityManager(secret, cert -> java.util.Optional.empty(), new SecurityEvents()),
                Set.of("link-primary", "link-backup"));
        local = new ActiveMQConnectionFactory(broker.inVmUrl(), NodeSecurityManager.LOCAL_USER, secret);
        local.setConsumerWindowSize(0);
        parked = new ParkedEnvelopes(broker.server(), local);
    }

    @AfterEach
    void stop() throws Exception {
        parked.close();
        local.close();
        broker.close();
    }

    @Test
    void the_parked_copy_is_the_same_envelope_without_the_local_duplicate_id() throws Exception {
        byte[] body = randomBytes(300_000);
        put("m-1", PEER, body);
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Message received = s.createConsumer(s.createQueue(ParkedEnvelopes.OUTBOUND)).receive(5000);
            ((BytesMessage) received).readBytes(new byte[10]); // the forwarder read the body before
            parked.park(s, received, PEER);
            s.commit();
        }

        assertThat(depth(ParkedEnvelopes.OUTBOUND)).isZero();
        assertThat(parked.counts()).containsEntry(PEER, 1L);
        Message copy = take(ParkedEnvelopes.queueOf(PEER));
        assertThat(bodyOf(copy)).isEqualTo(body);
        assertThat(copy.getStringProperty(Headers.MESSAGE_ID)).isEqualTo("m-1");
        assertThat(copy.getStringProperty(Headers.RECIPIENT)).isEqualTo(PEER);
        assertThat(copy.getStringProperty(Headers.TYPE)).isEqualTo("TransferInNotice");
        assertThat(copy.getStringProperty(Headers.CREATED_AT)).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(copy.getLongProperty(Headers.CREATED_AT_MILLIS)).isEqualTo(1_796_612_400_000L);
        assertThat(copy.propertyExists(Headers.DUPLICATE_ID)).as("local duplicate id").isFalse();
        assertThat(copy.getLongProperty(Headers.QUEUED_AT_MILLIS)).as("first queued").isPositive();
    }

    @Test
    void a_park_not_committed_leaves_the_envelope_where_it_was() throws Exception {
        put("m-1", PEER, randomBytes(100));
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Message received = s.createConsumer(s.createQueue(ParkedEnvelopes.OUTBOUND)).receive(5000);
            parked.park(s, received, PEER);
            s.rollback(); // a crash before the commit
        }
        assertThat(depth(ParkedEnvelopes.queueOf(PEER))).isZero();
        assertThat(take(ParkedEnvelopes.OUTBOUND).getStringProperty(Headers.MESSAGE_ID)).isEqualTo("m-1");
    }

    @Test
    void an_untransacted_session_is_refused_rather_than_parking_apart_from_the_acknowledgement() throws Exception {
        put("m-1", PEER, randomBytes(100));
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Message received = s.createConsumer(s.createQueue(ParkedEnvelopes.OUTBOUND)).receive(5000);
            assertThatThrownBy(() -> parked.park(s, received, PEER)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(depth(ParkedEnvelopes.queueOf(PEER))).isZero();
    }

    /**
     * Parked, moved back, parked again and moved back again: the outbound queue's duplicate cache has every id from
     * the first put, the parking queue's from the first park: none of the copies may be dropped.
     */
    @Test
    void envelopes_go_back_in_bounded_batches_as_often_as_they_are_parked_and_none_is_dropped() throws Exception {
        int n = 250;
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add(randomBytes(1000 + i));
            put("m-" + i, PEER, bodies.get(i));
        }
        put("o-1", OTHER, randomBytes(10));
        for (int round = 0; round < 2; round++) {
            parkAll();
            assertThat(parked.counts()).containsEntry(PEER, (long) n).containsEntry(OTHER, 1L);
            assertThat(depth(ParkedEnvelopes.OUTBOUND)).isZero();

            assertThat(parked.moveBack(PEER)).isEqualTo(n);
            assertThat(parked.moveBack(OTHER)).isEqualTo(1);
            assertThat(depth(ParkedEnvelopes.OUTBOUND)).isEqualTo(n + 1);
            assertThat(parked.counts()).containsEntry(PEER, 0L).containsEntry(OTHER, 0L);
        }
        Map<String, byte[]> back = new HashMap<>();
        Message m;
        while ((m = take(ParkedEnvelopes.OUTBOUND)) != null) {
            back.put(m.getStringProperty(Headers.MESSAGE_ID), bodyOf(m));
        }
        assertThat(back).hasSize(n + 1);
        for (int i = 0; i < n; i++) {
            assertThat(back.get("m-" + i)).as("m-" + i).isEqualTo(bodies.get(i));
        }
    }

    @Test
    void the_check_moves_back_only_the_peers_not_known_down() throws Exception {
        put("m-1", PEER, randomBytes(10));
        put("o-1", OTHER, randomBytes(10));
        parkAll();
        parked.schedule(PEER::equals, peer -> false, java.time.Duration.ofDays(30), java.time.Clock.systemUTC(),
                java.time.Duration.ofHours(1), java.time.Duration.ofHours(1));

        parked.check();
        assertThat(parked.counts()).containsEntry(PEER, 1L).containsEntry(OTHER, 0L);
        assertThat(take(ParkedEnvelopes.OUTBOUND).getStringProperty(Headers.MESSAGE_ID)).isEqualTo("o-1");
        assertThat(take(ParkedEnvelopes.OUTBOUND)).as("the down peer's stays parked").isNull();
    }

    /**
     * A peer whose broker refuses this node's envelopes (it took away this node's permissions) is up, so the check
     * would send its refused envelopes back every round, to be refused and parked again, for ever. Held back instead: 2
     * checks after the first round of refusals, twice as long after each round refused again (no loop), while the other
     * peers' go back as before; after a quiet spell a refusal starts over.
     */
    @Test
    void a_peer_whose_broker_refuses_has_its_parked_envelopes_held_back_longer_after_each_round() throws Exception {
        org.jukibus.clock.MovableClock clock = new org.jukibus.clock.MovableClock(java.time.Instant.parse("2026-12-07T03:00:00Z"));
        java.time.Duration check = java.time.Duration.ofMinutes(1);
        // the periodic runs come a minute of real time from now, after the test; check() is called here
        parked.schedule(peer -> false, peer -> false, java.time.Duration.ofDays(30), clock, check, java.time.Duration.ofDays(1));

        assertThat(parked.refusedBy(PEER)).as("the first refusal starts a round").isTrue();
        assertThat(parked.refusedBy(PEER)).as("the others of the round are counted, not logged").isFalse();
        put("m-1", PEER, randomBytes(10));
        put("o-1", OTHER, randomBytes(10));
        parkAll(id -> id.equals("m-1") ? "AMQ229032: no permission to SEND" : null);

        parked.check();
        assertThat(parked.counts()).as("held back; the other peer's go").containsEntry(PEER, 1L).containsEntry(OTHER, 0L);
        clock.move(check.multipliedBy(2));
        parked.check();
        assertThat(parked.counts()).as("after 2 checks: back for one more try").containsEntry(PEER, 0L);

        assertThat(parked.refusedBy(PEER)).as("refused again: a second round").isTrue();
        assertThat(parked.held(PEER)).isTrue();
        clock.move(check.multipliedBy(3));
        assertThat(parked.held(PEER)).as("held twice as long now").isTrue();
        clock.move(check);
        assertThat(parked.held(PEER)).isFalse();

        for (int round = 3; round <= 9; round++) { // refused at the end of each hold: it grows to its bound
            assertThat(parked.refusedBy(PEER)).isTrue();
            clock.move(check.multipliedBy(1L << Math.min(round, ParkedEnvelopes.MAX_HOLD_ROUNDS)).minusSeconds(1));
            assertThat(parked.held(PEER)).as("round " + round).isTrue();
            clock.move(java.time.Duration.ofSeconds(1));
            assertThat(parked.held(PEER)).as("round " + round + " ends").isFalse();
        }

        clock.move(check.multipliedBy(1L << (ParkedEnvelopes.MAX_HOLD_ROUNDS + 1))); // quiet: no refusal for a while
        assertThat(parked.refusedBy(PEER)).isTrue();
        clock.move(check.multipliedBy(2));
        assertThat(parked.held(PEER)).as("a refusal after a quiet spell starts over").isFalse();

        assertThat(parked.refusedBy(PEER)).isTrue();
        clock.move(java.time.Duration.ofDays(-1)); // the node clock set back a day
        assertThat(parked.held(PEER)).as("a hold is not stretched by a clock set back").isFalse();
    }

    /**
     * Review-fwdlink M1: the hold is for what the peer's broker refused. Its envelopes parked while it was down go back
     * at the check as before, or one misconfigured flow would hold up all of its mail.
     */
    @Test
    void only_the_envelopes_a_peers_broker_refused_are_held_back_its_others_go_at_the_check() throws Exception {
        parked.schedule(peer -> false, peer -> false, java.time.Duration.ofDays(30), java.time.Clock.systemUTC(),
                java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(1));
        put("r-1", PEER, randomBytes(10));
        put("d-1", PEER, randomBytes(10));
        parkAll(id -> id.startsWith("r-") ? "AMQ229032: no permission to SEND" : null);
        assertThat(parked.refusedBy(PEER)).isTrue();

        parked.check();
        assertThat(take(ParkedEnvelopes.OUTBOUND)).as("parked while the peer was down: back")
                .satisfies(m -> assertThat(m.getStringProperty(Headers.MESSAGE_ID)).isEqualTo("d-1"))
                .satisfies(m -> assertThat(m.propertyExists(Headers.PEER_REFUSAL)).isFalse());
        assertThat(take(ParkedEnvelopes.OUTBOUND)).as("the refused one is held back").isNull();
        assertThat(parked.counts()).containsEntry(PEER, 1L);
        assertThat(depth(ParkedEnvelopes.queueOf(PEER))).isZero();
        Message refused = take(ParkedEnvelopes.refusedQueueOf(PEER));
        assertThat(refused.getStringProperty(Headers.PEER_REFUSAL)).as("with its reason").contains("no permission");
    }

    /**
     * Analysis-merge11 M4: the refused envelopes wait on a queue of their own. On the peer's one parking queue a
     * selector ("not refused") could not reach an envelope behind more refused ones than the address reads from its
     * pages into memory (max-read-page-bytes, 20 MiB by default): the peer's other mail would wait out every hold behind
     * them. Here the parking addresses page at 64 KiB and read 32 KiB (8 messages) of their pages, and 100 refused
     * envelopes of 4 KiB come first.
     */
    @Test
    void a_peers_mail_never_waits_behind_its_refused_envelopes_however_many_page() throws Exception {
        org.apache.activemq.artemis.core.settings.impl.AddressSettings paged = new org.apache.activemq.artemis.core.settings.impl.AddressSettings();
        paged.merge(broker.server().getAddressSettingsRepository().getMatch(ParkedEnvelopes.queueOf(PEER)));
        paged.setMaxSizeBytes(64 * 1024).setPageSizeBytes(16 * 1024).setMaxReadPageBytes(32 * 1024).setMaxReadPageMessages(8)
                .setAddressFullMessagePolicy(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.PAGE);
        broker.server().getAddressSettingsRepository().addMatch(ParkedEnvelopes.PREFIX + "#", paged);
        parked.schedule(peer -> false, peer -> false, java.time.Duration.ofDays(30), java.time.Clock.systemUTC(),
                java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(1));
        for (int i = 1; i <= 100; i++) {
            put("r-" + i, PEER, randomBytes(4096));
        }
        put("d-1", PEER, randomBytes(10));
        parkAll(id -> id.startsWith("r-") ? "AMQ229032: no permission to SEND" : null);
        assertThat(parked.refusedBy(PEER)).isTrue();
        assertThat(broker.server().getPagingManager().getPageStore(SimpleString.of(ParkedEnvelopes.refusedQueueOf(PEER))).isPaging())
                .as("the refused ones page").isTrue();

        parked.check();

        assertThat(take(ParkedEnvelopes.OUTBOUND)).as("the mail it did not refuse: back at the check")
                .satisfies(m -> assertThat(m.getStringProperty(Headers.MESSAGE_ID)).isEqualTo("d-1"));
        assertThat(take(ParkedEnvelopes.OUTBOUND)).as("the refused ones are held back").isNull();
        assertThat(depth(ParkedEnvelopes.refusedQueueOf(PEER))).isEqualTo(100);
        assertThat(parked.counts()).as("counted under their peer").containsEntry(PEER, 100L);

        // back after an outage: the refused ones go too (paced: with no forwarder here, a batch per PACE_WAIT)
        parked.releaseFor(PEER);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> depth(ParkedEnvelopes.OUTBOUND) > 0
                        && depth(ParkedEnvelopes.refusedQueueOf(PEER)) + depth(ParkedEnvelopes.OUTBOUND) == 100);
    }

    /**
     * The review gives the forwarder what it must decide and leaves a down peer's fresh backlog on disk: of a peer
     * still down, the expired envelopes at the head (a relayed directory among them, which has no seal time, goes back
     * with them but does not stop the reading); reading ends at the first envelope within the window, so an expired
     * one behind it waits; of a peer gone from the directory or revoked, all.
     */
    @Test
    void the_review_moves_back_the_expired_head_and_leaves_a_down_peers_fresh_backlog_parked() throws Exception {
        java.time.Instant now = java.time.Instant.parse("2026-12-07T03:00:00Z");
        String old = now.minus(java.time.Duration.ofDays(31)).toString();
        String fresh = now.minus(java.time.Duration.ofDays(29)).toString();
        put("e-1", PEER, randomBytes(10), old);
        put("r-1", PEER, randomBytes(10), null);
        put("e-3", PEER, randomBytes(10), old);
        put("r-2", PEER, randomBytes(10), null);
        put("e-4", PEER, randomBytes(10), fresh);
        put("e-5", PEER, randomBytes(10), old);
        put("o-1", OTHER, randomBytes(10), fresh);
        parkAll();
        parked.schedule(peer -> true, OTHER::equals, java.time.Duration.ofDays(30),
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC), java.time.Duration.ofHours(1), java.time.Duration.ofHours(1));

        parked.review();

        assertThat(parked.counts()).containsEntry(PEER, 3L).containsEntry(OTHER, 0L);
        List<String> back = new ArrayList<>();
        Message m;
        while ((m = take(ParkedEnvelopes.OUTBOUND)) != null) {
            back.add(m.getStringProperty(Headers.MESSAGE_ID));
        }
        assertThat(back).containsExactlyInAnyOrder("e-1", "r-1", "e-3", "o-1");
        assertThat(take(ParkedEnvelopes.queueOf(PEER)).getStringProperty(Headers.MESSAGE_ID)).isEqualTo("r-2");

        parked.review(); // nothing expired at the head now: nothing moves
        assertThat(parked.counts()).containsEntry(PEER, 2L);
    }

    @Test
    void the_shipped_broker_xml_lets_envelopes_be_parked_one_from_before_is_named() {
        assertThat(ParkedEnvelopes.missingSettings(broker.server())).isEmpty();
        broker.server().getAddressSettingsRepository().addMatch(ParkedEnvelopes.PREFIX + "#",
                new org.apache.activemq.artemis.core.settings.impl.AddressSettings().setAutoCreateQueues(false));
        assertThat(ParkedEnvelopes.missingSettings(broker.server())).hasValueSatisfying(
                why -> assertThat(why).contains("jukibus.parked.#").contains("approved"));
    }

    @Test
    void a_peer_code_cannot_name_another_queue() {
        assertThatThrownBy(() -> ParkedEnvelopes.queueOf("131059.x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParkedEnvelopes.queueOf("#")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ParkedEnvelopes.queueOf(PEER)).isEqualTo("jukibus.parked.131059");
        assertThat(ParkedEnvelopes.refusedQueueOf(PEER)).isEqualTo("jukibus.parked.131059.refused");
        assertThat(NodeBroker.parkedPeer(ParkedEnvelopes.refusedQueueOf(PEER))).isEqualTo(PEER);
        assertThat(NodeBroker.parkedPeer(ParkedEnvelopes.queueOf(PEER))).isEqualTo(PEER);
    }

    /** Every outbound envelope parked for its recipient, one transaction each, as the forwarder does. */
    private void parkAll() throws Exception {
        parkAll(id -> null);
    }

    /** As {@link #parkAll()}, each with the refusal {@code refusals} gives its message id (null: its peer was down). */
    private void parkAll(java.util.function.Function<String, String> refusals) throws Exception {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(ParkedEnvelopes.OUTBOUND));
            Message m;
            while ((m = consumer.receive(500)) != null) {
                parked.park(s, m, m.getStringProperty(Headers.RECIPIENT), refusals.apply(m.getStringProperty(Headers.MESSAGE_ID)));
                s.commit();
            }
        }
    }

    private void put(String id, String recipient, byte[] body) throws Exception {
        put(id, recipient, body, "2026-12-07T03:00:00Z");
    }

    /** An envelope on the outbound queue as the node puts it: with the message id as its local duplicate id. */
    private void put(String id, String recipient, byte[] body, String createdAt) throws Exception {
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(ParkedEnvelopes.OUTBOUND));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            m.setStringProperty(Headers.MESSAGE_ID, id);
            m.setStringProperty(Headers.DUPLICATE_ID, id);
            m.setStringProperty(Headers.RECIPIENT, recipient);
            m.setStringProperty(Headers.TYPE, "TransferInNotice");
            if (createdAt != null) {
                m.setStringProperty(Headers.CREATED_AT, createdAt);
            }
            m.setLongProperty(Headers.CREATED_AT_MILLIS, 1_796_612_400_000L);
            producer.send(m);
        }
    }

    private Message take(String queue) throws Exception {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message m = s.createConsumer(s.createQueue(queue)).receive(1000);
            if (m != null) {
                bodyOf(m); // read while the session is open
                ((BytesMessage) m).reset();
            }
            return m;
        }
    }

    private long depth(String queue) {
        var q = broker.server().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    private static byte[] bodyOf(Message m) throws Exception {
        BytesMessage b = (BytesMessage) m;
        b.reset();
        byte[] body = new byte[(int) b.getBodyLength()];
        b.readBytes(body);
        return body;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
