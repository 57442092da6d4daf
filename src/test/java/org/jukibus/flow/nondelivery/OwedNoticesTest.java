package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.jukibus.broker.QueueSweep;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConsumerPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.OperationLog;
import org.jukibus.clock.NodeClock;
import org.jukibus.flow.Answers;
import org.jukibus.flow.Headers;
import org.jukibus.flow.SeenMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owed-notice round on a real (in-VM, non-persistent) broker: its cost does not grow with the square of the
 * dead-letter queue (one consumer per round, however many dead letters), and a dead letter whose sender cannot be told
 * is said once, stays owed with why, and is tried again a day later.
 */
class OwedNoticesTest {

    static final String SELF = "271004";
    static final String SENDER = "131041";
    static final String GONE = "999999"; // a sender that left the directory
    static final Duration WINDOW = Duration.ofDays(31);
    static final AtomicInteger VM_IDS = new AtomicInteger(7100);

    EmbeddedActiveMQ broker;
    ActiveMQConnectionFactory local;
    CamelContext camel = new DefaultCamelContext();
    final AtomicInteger dlqConsumers = new AtomicInteger();
    final NodeClock clock = new NodeClock(Clock.systemUTC(), Duration.ofDays(-9));
    SimpleMeterRegistry registry;
    @TempDir
    Path dir;
    final SeenMessages seen = mock(SeenMessages.class);
    final Answers answers = mock(Answers.class);
    final OperationLog audit = mock(OperationLog.class);
    final List<String> sealedFor = Collections.synchronizedList(new ArrayList<>());
    OwedNotices owed;

    @BeforeEach
    void start() throws Exception {
        when(seen.check(anyString(), anyString(), anyString())).thenAnswer(call ->
                ((String) call.getArgument(1)).endsWith("-seen") ? SeenMessages.Verdict.REDELIVERY : SeenMessages.Verdict.NEW);
        when(answers.sealAll(any(), anyList())).thenAnswer(call -> {
            org.jukibus.flow.Answer answer = ((List<org.jukibus.flow.Answer>) call.getArgument(1)).get(0);
            if (answer.recipient().equals(GONE)) {
                throw new IllegalArgumentException("node " + GONE + " is not in the directory");
            }
            sealedFor.add(answer.recipient() + ":" + answer.correlationId());
            DefaultMessage sealed = new DefaultMessage(camel);
            sealed.setBody(("sealed notice about " + answer.correlationId()).getBytes(StandardCharsets.UTF_8));
            sealed.setHeader(Headers.DUPLICATE_ID, answer.messageId());
            return List.of(sealed);
        });
        start(false);
    }

    /** A broker whose dead-letter queue pages beyond 64 KiB and reads back 32 KiB of its page files at most, if paged. */
    void start(boolean paged) throws Exception {
        // the broker's audit log at INFO: a line per message, thousands of them
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int vm = VM_IDS.getAndIncrement();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(paged).setSecurityEnabled(false).setJMXManagementEnabled(false);
        if (paged) {
            config.setBrokerInstance(dir.toFile());
            config.addAddressSetting(OwedNotices.DLQ, new AddressSettings().setMaxSizeBytes(64 * 1024)
                    .setPageSizeBytes(16 * 1024).setMaxReadPageBytes(32 * 1024).setMaxReadPageMessages(-1)
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        }
        config.addAcceptorConfiguration("in-vm", "vm://" + vm);
        config.addQueueConfiguration(QueueConfiguration.of(OwedNotices.DLQ).setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(NonDeliveryNotices.OUTBOUND).setRoutingType(RoutingType.ANYCAST));
        config.registerBrokerPlugin(new ActiveMQServerConsumerPlugin() {
            @Override
            public void afterCreateConsumer(ServerConsumer consumer) {
                if (consumer.getQueue().getName().toString().equals(OwedNotices.DLQ)) {
                    dlqConsumers.incrementAndGet(); // a browser too: each one walks the queue
                }
            }
        });
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        local = new ActiveMQConnectionFactory("vm://" + vm);
        registry = new SimpleMeterRegistry();
        NonDeliveryNotices notices = new NonDeliveryNotices(answers, null, null, id -> false, seen, SELF, clock);
        owed = new OwedNotices(local, seen, notices, answers, camel, clock, WINDOW, audit, this::signedHeader,
                flow -> "transfer-in".equals(flow) ? "TransferInNotice" : null,
                new QueueSweep(local, broker.getActiveMQServer(), OwedNotices.DLQ), registry);
    }

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            local.close();
            broker.stop();
            broker = null;
        }
    }

    @Test
    void a_round_over_thousands_of_dead_letters_walks_the_queue_once() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        int n = 3000;
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            for (int i = 0; i < n; i++) {
                String messageId = "M-" + i + (i % 3 == 1 ? "-seen" : "");
                producer.send(deadLetter(s, messageId, "OWED", old.toEpochMilli(), true));
            }
            producer.send(deadLetter(s, "M-recent", "OWED", clock.instant().toEpochMilli(), true)); // not due yet
            producer.send(deadLetter(s, "M-old-style", "OWED", old.toEpochMilli(), false)); // no created-at millis
            producer.send(deadLetter(s, "M-told", "TOLD", old.toEpochMilli(), true));
        }
        dlqConsumers.set(0);

        int taken = owed.tellDue();

        assertThat(dlqConsumers.get()).as("consumers and browsers on the queue in one round of %d dead letters", n)
                .isEqualTo(2); // one for the dead letters made before the marks, one for the owed ones
        assertThat(taken).isEqualTo(n + 1);
        Map<String, String> marks = marks();
        assertThat(marks).hasSize(n + 3);
        for (int i = 0; i < n; i++) {
            if (i % 3 == 1) {
                assertThat(marks.get("M-" + i + "-seen")).as("delivered by another copy: nothing owed").isEqualTo("NONE");
            } else {
                assertThat(marks.get("M-" + i)).isEqualTo("TOLD");
            }
        }
        assertThat(marks.get("M-recent")).isEqualTo("OWED");
        assertThat(marks.get("M-old-style")).as("due by its rejection time").isEqualTo("TOLD");
        assertThat(sealedFor).hasSize(n - n / 3 + 1);
        assertThat(depth(NonDeliveryNotices.OUTBOUND)).isEqualTo(n - n / 3 + 1);

        dlqConsumers.set(0);
        assertThat(owed.tellDue()).as("the next round finds nothing owed and due").isZero();
        assertThat(dlqConsumers.get()).isEqualTo(2);
    }

    @Test
    void a_dead_letter_whose_sender_left_the_directory_is_said_once_and_stays_owed_with_why() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            BytesMessage gone = deadLetter(s, "M-gone", "OWED", old.toEpochMilli(), true);
            gone.setStringProperty(Headers.SENDER, GONE);
            producer.send(gone);
            producer.send(deadLetter(s, "M-ok", "OWED", old.toEpochMilli(), true));
        }

        assertThat(owed.tellDue()).as("only the one that could be told").isEqualTo(1);
        ICoreMessage stays = only("M-gone");
        assertThat(stays.getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("OWED");
        assertThat(stays.getStringProperty(Headers.SENDER_NOT_TOLD)).contains("not in the directory");
        assertThat(stays.getStringProperty(Headers.SENDER_TOLD_AT)).as("not told").isNull();
        verify(audit, times(1)).record(any(AuditEvent.class));
        assertThat(marks().get("M-ok")).isEqualTo("TOLD");

        for (int round = 0; round < 5; round++) { // every 15 minutes for an hour and more
            assertThat(owed.tellDue()).isZero();
        }
        verify(audit, times(1)).record(any(AuditEvent.class));
        verify(answers, times(2)).sealAll(any(), anyList());
        assertThat(only("M-gone").getUserID()).as("left alone, not rewritten each round").isEqualTo(stays.getUserID());

        clock.moveTo(Duration.ofDays(-7)); // two days on: not taken and rewritten daily, it waits a week
        assertThat(owed.tellDue()).isZero();
        verify(answers, times(2)).sealAll(any(), anyList());
        assertThat(only("M-gone").getUserID()).as("not rewritten after a day").isEqualTo(stays.getUserID());

        clock.moveTo(Duration.ZERO); // nine days on: tried again, still not in the directory, not said again
        assertThat(owed.tellDue()).isZero();
        verify(answers, times(3)).sealAll(any(), anyList());
        verify(audit, times(1)).record(any(AuditEvent.class));
        assertThat(only("M-gone").getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("OWED");

    }

    /** A dead letter whose transaction fails (the store down for it) stays owed; the round goes on past it. */
    @Test
    void a_dead_letter_that_fails_stays_owed_and_the_round_goes_on() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            for (String id : List.of("F-1", "F-2-fails", "F-3", "F-4-fails", "F-5")) {
                producer.send(deadLetter(s, id, "OWED", old.toEpochMilli(), true));
            }
        }
        when(seen.check(anyString(), org.mockito.ArgumentMatchers.endsWith("-fails"), anyString()))
                .thenThrow(new IllegalStateException("the store is down"));

        assertThat(owed.tellDue()).isEqualTo(3);

        assertThat(marks()).containsEntry("F-1", "TOLD").containsEntry("F-3", "TOLD").containsEntry("F-5", "TOLD")
                .containsEntry("F-2-fails", "OWED").containsEntry("F-4-fails", "OWED").hasSize(5);
        assertThat(depth(NonDeliveryNotices.OUTBOUND)).isEqualTo(3);
    }

    /**
     * Unmarked dead letters: told once their envelope verifies again, to the sender and about the message its signed
     * header names (never its headers), unless delivered here; and only if the producer the broker authenticated was
     * that signer, as at dead-lettering. One that does not verify, was put here by someone else, names no producer (made
     * before it was recorded) or is signed as another flow's message owes nothing, and says why; a final failure is
     * left alone (its sender was told when it was dead-lettered).
     */
    @Test
    void an_unmarked_dead_letter_is_owed_a_notice_only_if_its_verified_signer_put_it_here() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            producer.send(unmarked(s, "L-1", SENDER, old, "OUTBOX_UNWRITABLE", "666666", SENDER)); // its header lies
            producer.send(unmarked(s, "L-2", null, old, "RETRIES_EXHAUSTED", SENDER, SENDER)); // does not verify
            producer.send(unmarked(s, "L-3", SENDER, old, "MALFORMED", SENDER, SENDER)); // final: told at the time
            producer.send(unmarked(s, "L-4-seen", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER)); // delivered
            producer.send(unmarked(s, "L-5", SENDER, clock.instant(), "RETRIES_EXHAUSTED", SENDER, SENDER)); // may yet
            // another peer put the sender's envelope on our queue: the sender must not hear of what it chose to inject
            producer.send(unmarked(s, "L-6", SENDER, old, "RETRIES_EXHAUSTED", SENDER, "666666"));
            producer.send(unmarked(s, "L-7", SENDER, old, "RETRIES_EXHAUSTED", SENDER, null)); // producer not recorded
            producer.send(unmarked(s, "L-8-othertype", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
        }

        assertThat(owed.tellDue()).isEqualTo(2);

        assertThat(sealedFor).containsExactly(SENDER + ":L-1");
        Map<String, String> marks = marks();
        assertThat(marks).containsEntry("L-1", "TOLD").containsEntry("L-4-seen", "NONE").containsEntry("L-5", "OWED")
                .containsEntry("L-3", "-").containsEntry("unknown", "NONE").containsEntry("L-6", "NONE")
                .containsEntry("L-7", "NONE").containsEntry("L-8-othertype", "NONE");
        assertThat(only("L-1").getStringProperty(Headers.SENDER)).as("from the signed header").isEqualTo(SENDER);
        assertThat(only("L-5").getLongProperty(Headers.CREATED_AT_MILLIS)).isPositive();
        assertThat(only("L-6").getStringProperty(Headers.SENDER_NOT_TOLD)).contains("put on the broker by 666666");
        assertThat(only("L-7").getStringProperty(Headers.SENDER_NOT_TOLD)).contains("not known");
        assertThat(only("L-8-othertype").getStringProperty(Headers.SENDER_NOT_TOLD)).contains("IdentityUpdate");

        dlqConsumers.set(0);
        assertThat(owed.tellDue()).as("each looked at once").isZero();
        assertThat(sealedFor).hasSize(1);
        assertThat(marks()).isEqualTo(marks);
    }

    /** The directory or a revocation list not loaded yet: the dead letter is left unmarked and looked at again. */
    @Test
    void an_unmarked_dead_letter_that_cannot_be_verified_now_is_left_for_the_next_round() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            producer.send(unmarked(s, "T-1", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
        }
        notLoaded = true;
        assertThat(owed.tellDue()).isZero();
        assertThat(marks()).containsEntry("T-1", "-");

        notLoaded = false;
        assertThat(owed.tellDue()).isEqualTo(1);
        assertThat(marks()).containsEntry("T-1", "TOLD");
        assertThat(sealedFor).containsExactly(SENDER + ":T-1");
    }

    /** One that fails every time (not a bytes message) is skipped: the others behind it are looked at all the same. */
    @Test
    void an_unmarked_dead_letter_that_always_fails_does_not_hold_the_others_back() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            jakarta.jms.TextMessage text = s.createTextMessage("not a dead letter of this node");
            for (String name : List.of(Headers.FLOW, Headers.REJECT_REASON, Headers.DEAD_LETTERED_FROM, Headers.MESSAGE_ID)) {
                text.setStringProperty(name, Map.of(Headers.FLOW, "transfer-in", Headers.REJECT_REASON, "RETRIES_EXHAUSTED",
                        Headers.DEAD_LETTERED_FROM, "jukibus.inbound.transfer-in", Headers.MESSAGE_ID, "X-text").get(name));
            }
            producer.send(text);
            producer.send(unmarked(s, "X-1", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
            producer.send(unmarked(s, "X-2", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
        }

        assertThat(owed.tellDue()).isEqualTo(2);
        assertThat(marks()).containsEntry("X-text", "-").containsEntry("X-1", "TOLD").containsEntry("X-2", "TOLD");

        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue(OwedNotices.DLQ))
                    .send(unmarked(s, "X-3", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
        }
        assertThat(owed.tellDue()).as("the next round too, the failing one tried after the others").isEqualTo(1);
        assertThat(marks()).containsEntry("X-text", "-").containsEntry("X-3", "TOLD");
    }

    /** A purge of some dead letters looks at the unmarked ones it removes only, not every flow's. */
    @Test
    void a_purge_looks_only_at_the_unmarked_dead_letters_it_purges() throws Exception {
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            producer.send(unmarked(s, "P-1", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
            producer.send(unmarked(s, "P-2", SENDER, old, "RETRIES_EXHAUSTED", SENDER, SENDER));
        }

        assertThat(owed.tellAndRemove(Headers.MESSAGE_ID + " = 'P-1'")).isEqualTo(1);

        assertThat(sealedFor).containsExactly(SENDER + ":P-1");
        assertThat(marks()).doesNotContainKey("P-1").containsEntry("P-2", "-");
    }

    /**
     * A paged dead-letter queue: the round's consumer sees only what the broker holds in memory, here told dead letters
     * kept for the operator, while the owed ones wait in page files. The round walks the queue from its head for them:
     * every one is told, every other dead letter stays (once), and one that fails stays owed for the next round.
     */
    @Test
    void owed_dead_letters_in_page_files_beyond_what_the_round_sees_are_told_too() throws Exception {
        stop();
        start(true);
        Instant old = clock.instant().minus(WINDOW).minusSeconds(3600);
        byte[] filler = new byte[4096];
        int owedLetters = 100;
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(OwedNotices.DLQ));
            producer.send(deadLetter(s, "O-head-fails", "OWED", old.toEpochMilli(), true)); // in sight, but fails
            for (int i = 0; i < 60; i++) { // 240 KiB of dead letters that owe nothing, ahead of the owed ones
                BytesMessage told = deadLetter(s, "K-" + i, "TOLD", old.toEpochMilli(), true);
                told.writeBytes(filler);
                producer.send(told);
            }
            for (int i = 0; i < owedLetters; i++) {
                producer.send(deadLetter(s, "O-" + i, "OWED", old.toEpochMilli(), true));
            }
        }
        assertThat(broker.getActiveMQServer().locateQueue(OwedNotices.DLQ).getPagingStore().isPaging()).isTrue();
        when(seen.check(anyString(), org.mockito.ArgumentMatchers.endsWith("-fails"), anyString()))
                .thenThrow(new IllegalStateException("the store is down"));

        int taken = owed.tellDue();

        assertThat(taken).as("every owed dead letter in the page files, but the one that fails").isEqualTo(owedLetters);
        Map<String, String> marks = marks();
        assertThat(marks).hasSize(owedLetters + 61);
        for (int i = 0; i < owedLetters; i++) {
            assertThat(marks.get("O-" + i)).isEqualTo("TOLD");
        }
        for (int i = 0; i < 60; i++) {
            assertThat(marks.get("K-" + i)).isEqualTo("TOLD");
        }
        assertThat(marks.get("O-head-fails")).as("stays owed, for the next round").isEqualTo("OWED");
        assertThat(browse()).as("each dead letter once").hasSize(owedLetters + 61);
        assertThat(sealedFor).hasSize(owedLetters);
        // the one that failed was put back as a copy when the walk came round to it: a new id, so it counts as unseen
        assertThat(owed.unseen()).isEqualTo(1);
        assertThat(registry.get("jukibus.dlq.owed.unseen").gauge().value()).isEqualTo(1);
    }

    /** A dead letter as one made before the marks: reason, flow, where from, headers as a peer may have set them. */
    private static BytesMessage unmarked(Session s, String messageId, String signer, Instant createdAt, String reason,
                                         String claimedSender, String producer) throws Exception {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes((signer == null ? "unverifiable" : signer + " " + messageId + " " + createdAt)
                .getBytes(StandardCharsets.UTF_8));
        m.setStringProperty(Headers.FLOW, "transfer-in");
        m.setStringProperty(Headers.SENDER, claimedSender);
        m.setStringProperty(Headers.MESSAGE_ID, signer == null ? "unknown" : messageId);
        m.setStringProperty(Headers.REJECT_REASON, reason);
        m.setStringProperty(Headers.DEAD_LETTERED_FROM, "jukibus.inbound.transfer-in");
        m.setLongProperty(Headers.REJECTED_AT_MILLIS, createdAt.toEpochMilli() + 60_000);
        m.setStringProperty(Headers.PRODUCER, producer);
        return m;
    }

    /** Set: the directory is not loaded, no envelope can be verified now. */
    volatile boolean notLoaded;

    /**
     * The test's envelopes: "signer message-id created-at" verifies (signed as an IdentityUpdate if the message id ends
     * so), anything else is a bad signature.
     */
    private org.jukibus.envelope.EnvelopeHeader signedHeader(byte[] envelope)
            throws org.jukibus.envelope.EnvelopeRejectedException {
        if (notLoaded) {
            throw new IllegalStateException("the directory is not loaded yet");
        }
        String[] parts = new String(envelope, StandardCharsets.UTF_8).split(" ");
        if (parts.length != 3) {
            throw new org.jukibus.envelope.EnvelopeRejectedException(org.jukibus.envelope.RejectionReason.BAD_SIGNATURE,
                    "does not verify");
        }
        return new org.jukibus.envelope.EnvelopeHeader(parts[1], parts[1].endsWith("-othertype") ? "IdentityUpdate"
                : "TransferInNotice", parts[0], SELF, Instant.parse(parts[2]), null);
    }

    private static BytesMessage deadLetter(Session s, String messageId, String notice, long createdAt, boolean millis)
            throws Exception {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(("envelope of " + messageId).getBytes(StandardCharsets.UTF_8));
        m.setStringProperty(Headers.FLOW, "transfer-in");
        m.setStringProperty(Headers.SENDER, SENDER);
        m.setStringProperty(Headers.MESSAGE_ID, messageId);
        m.setStringProperty(Headers.REJECT_REASON, "OUTBOX_UNWRITABLE");
        m.setStringProperty(Headers.CREATED_AT, Instant.ofEpochMilli(createdAt).toString());
        if (millis) {
            m.setLongProperty(Headers.CREATED_AT_MILLIS, createdAt);
        }
        m.setLongProperty(Headers.REJECTED_AT_MILLIS, createdAt + 60_000);
        m.setStringProperty(Headers.SENDER_NOTICE, notice);
        return m;
    }

    /** Each dead letter's message id and its sender-notice mark ("-" for none). */
    @SuppressWarnings("unchecked")
    private Map<String, String> marks() throws Exception {
        Map<String, String> marks = new java.util.HashMap<>();
        for (ICoreMessage m : browse()) {
            String mark = m.getStringProperty(Headers.SENDER_NOTICE);
            marks.put(m.getStringProperty(Headers.MESSAGE_ID), mark == null ? "-" : mark);
        }
        return marks;
    }

    private ICoreMessage only(String messageId) throws Exception {
        List<ICoreMessage> found = new ArrayList<>();
        for (ICoreMessage m : browse()) {
            if (messageId.equals(m.getStringProperty(Headers.MESSAGE_ID))) {
                found.add(m);
            }
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /**
     * The dead-letter queue as the broker holds it (its own iterator: a JMS browser may end early on a busy machine,
     * it receives with no wait).
     */
    private List<ICoreMessage> browse() throws Exception {
        List<ICoreMessage> all = new ArrayList<>();
        try (LinkedListIterator<MessageReference> refs = broker.getActiveMQServer().locateQueue(OwedNotices.DLQ).browserIterator()) {
            while (refs.hasNext()) {
                all.add(refs.next().getMessage().toCore());
            }
        }
        return all;
    }

    private long depth(String queue) {
        return broker.getActiveMQServer().locateQueue(queue).getMessageCount();
    }
}
