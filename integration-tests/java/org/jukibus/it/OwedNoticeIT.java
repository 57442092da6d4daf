package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import java.util.Collections;
import java.util.Enumeration;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.jukibus.broker.BrokerStats;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.ResidentCode;
import org.jukibus.flow.SeenMessages;
import org.jukibus.flow.nondelivery.SentMessages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every message ends with a receipt or a NonDelivery file at its sender, also when it failed at its recipient in a way
 * that is not final and nobody replays it: Osaka-shi's outbox is unwritable longer than its operator's bound on the
 * wait (transient-max-attempts 3), so Shinjuku's notices are dead-lettered OUTBOX_UNWRITABLE and their sender is owed
 * a notice. The network's clock is moved for real ({@code jukibus clock set}).
 */
// order is inherent: the clock of the running network only moves forward
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwedNoticeIT {

    static final String INBOUND = "jukibus.inbound.transfer-in";

    @Provisioned({SHINJUKU, OSAKA})
    static TestNetwork net;

    @BeforeAll
    static void start() throws Exception {
        net.network.ca().issueCrl(Duration.ofDays(100)); // the drill moves the clock 64 days
        net.node(OSAKA).properties().put("jukibus.delivery.max-attempts", "3");
        net.node(OSAKA).properties().put("jukibus.delivery.transient-max-attempts", "3");
        // a suspended queue tries again at most every 2 s (the default doubles to a minute), so the third try comes soon
        net.node(OSAKA).properties().put("jukibus.delivery.suspended-retry-max", "2s");
        net.node(OSAKA).properties().put("jukibus.receipts.owed-notice-interval", "1s");
        // shorter than the hour Shinjuku's clock runs ahead in the CLOCK_AHEAD tests: the hold can end with it still ahead
        net.node(OSAKA).properties().put("jukibus.delivery.clock-ahead-hold", "30m");
        net.start(SHINJUKU, OSAKA);
    }

    /**
     * Day 0 the dead letter is owed, and nothing is told while a replay could still deliver it; day 32 (past the
     * receiver window of 31 days) Shinjuku gets one NOT_DELIVERED, the dead letter stays for the operator marked told,
     * and neither another round nor a restart of Osaka-shi tells it again.
     */
    @Test
    @Order(1)
    void a_dead_letter_owed_a_notice_gets_one_once_a_replay_can_no_longer_deliver_it() throws Exception {
        String id = deadLetteredOwed("O-1", "6200000001");
        // and one whose other copy was delivered (as a copy in flight may be): its receipt is its outcome
        String deliveredId = deadLetteredOwed("O-1B", "6200000011");
        net.context(OSAKA).getBean(SeenMessages.class).record(SHINJUKU, deliveredId, "ID:another-copy", Instant.now());
        Thread.sleep(3000); // three rounds of the job
        assertThat(nonDelivery(id)).as("not final yet: a replay may still deliver it").doesNotExist();

        // a clock drill past the receiver window tells nothing (review M1): the clock goes back after it, and a replay
        // could then deliver the message. Osaka-shi stopped while the clocks move: its job would tell Shinjuku before
        // Shinjuku's clock moved, whose node would refuse the notice as made in the future
        net.stop(OSAKA);
        net.moveClock(Duration.ofDays(32));
        net.start(OSAKA);
        Thread.sleep(4000); // rounds at the moved clock
        assertThat(nonDelivery(id)).as("a drill tells nothing").doesNotExist();
        assertThat(deadLetter(id).getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("OWED");

        // 32 days on for real: the system's clock cannot be moved, the dead letters' envelopes are made older instead
        ageDeadLetters(Duration.ofDays(32));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(nonDelivery(id)));
        assertThat(Files.readString(nonDelivery(id), StandardCharsets.UTF_8)).contains("<Status>NOT_DELIVERED</Status>")
                .contains("<ReportedBy>RECIPIENT</ReportedBy>").contains("<ReasonCode>TRANSIENT_EXPIRED</ReasonCode>")
                .contains("<Recipient>" + OSAKA + "</Recipient>");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == SentMessages.State.NOT_DELIVERED);
        await().atMost(Duration.ofSeconds(10)).until(() -> "NONE".equals(deadLetter(deliveredId).getStringProperty(Headers.SENDER_NOTICE)));
        Message dead = deadLetter(id);
        assertThat(dead.getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("TOLD");
        assertThat(dead.getStringProperty(Headers.SENDER_TOLD_AT)).isNotBlank();
        assertThat(dead.getStringProperty(Headers.REJECT_REASON)).as("the dead letter as it was").isEqualTo("OUTBOX_UNWRITABLE");
        assertThat(DeadLetterToolingIT.lines(dlq("list").out(), "[sender told")).hasSize(1);
        assertThat(nonDelivery(deliveredId)).as("delivered by its other copy: no notice").doesNotExist();

        // the notices that reached Shinjuku (a second one with the same id would be dropped by Osaka-shi's outbound
        // duplicate cache before it left; one with another id would be counted here)
        long notices = BrokerStats.messagesReceived(net.broker(SHINJUKU), "jukibus.inbound.non-delivery");
        net.stop(OSAKA);
        net.start(OSAKA);
        Thread.sleep(4000); // rounds after the restart
        assertThat(net.browse(OSAKA, "jukibus.dlq")).hasSize(2);
        assertThat(deadLetter(id).getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("TOLD");
        assertThat(BrokerStats.messagesReceived(net.broker(SHINJUKU), "jukibus.inbound.non-delivery"))
                .as("no second notice").isEqualTo(notices);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
        assertThat(BrokerStats.outboundBacklog(net.broker(OSAKA))).isZero();
    }

    /** A purge tells the sender of an owed dead letter at once (its own reason), and nobody twice. */
    @Test
    @Order(2)
    void a_purge_tells_the_sender_still_owed_a_notice() throws Exception {
        String id = deadLetteredOwed("O-2", "6200000002");
        assertThat(nonDelivery(id)).doesNotExist();

        DeadLetterToolingIT.Run purged = dlq("purge", "--flow", "transfer-in", "--yes");

        assertThat(purged.exit()).as(purged.err()).isZero();
        assertThat(purged.out()).contains("purged 3 dead letter(s)");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(nonDelivery(id)));
        assertThat(Files.readString(nonDelivery(id), StandardCharsets.UTF_8)).contains("<Status>NOT_DELIVERED</Status>")
                .contains("<ReasonCode>OUTBOX_UNWRITABLE</ReasonCode>");
        assertThat(net.browse(OSAKA, "jukibus.dlq")).isEmpty();
        Thread.sleep(3000);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).as("the first one's sender was told once only").isEmpty();
    }

    /**
     * An envelope that waited in the recipient's inbound queue past the receiver window is refused EXPIRED there; its
     * signature verified and it was never delivered, so its sender is told.
     */
    @Test
    @Order(3)
    void an_envelope_refused_as_expired_at_its_recipient_is_reported_to_its_sender() throws Exception {
        net.camel(OSAKA).getRouteController().stopRoute("transfer-in-delivery");
        String id = notice("O-3", "6200000003");
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 1);

        net.moveClock(Duration.ofDays(64)); // 32 days after it was sealed
        net.camel(OSAKA).getRouteController().startRoute("transfer-in-delivery");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(nonDelivery(id)));
        assertThat(Files.readString(nonDelivery(id), StandardCharsets.UTF_8)).contains("<Status>NOT_DELIVERED</Status>")
                .contains("<ReasonCode>EXPIRED</ReasonCode>");
        Message dead = only(net.browse(OSAKA, "jukibus.dlq"));
        assertThat(dead.getStringProperty(Headers.REJECT_REASON)).isEqualTo("EXPIRED");
        assertThat(dead.getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("TOLD");
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
    }

    /**
     * Review H2: a notice about the message was sent before (here put in Osaka-shi's outbound duplicate cache as an
     * expired copy's notice leaves it; a hostile peer can bring that about). A second one with the same id would roll
     * back the whole purge, for every selector including it, for as long as the id is cached: instead it is purged as
     * told, no second notice, and the purge goes on with the others.
     */
    @Test
    @Order(4)
    void a_purge_sends_no_second_notice_and_does_not_fail_for_a_message_told_before() throws Exception {
        String toldBefore = deadLetteredOwed("O-4", "6200000004");
        String owed = deadLetteredOwed("O-5", "6200000005");
        net.broker(OSAKA).getPostOffice().getDuplicateIDCache(SimpleString.of("jukibus.outbound"))
                .addToCache(SimpleString.of(MessageIds.answerOf("non-delivery", SHINJUKU, toldBefore)).getData());

        int deadLetters = net.browse(OSAKA, "jukibus.dlq").size();

        DeadLetterToolingIT.Run purged = dlq("purge", "--flow", "transfer-in", "--yes");

        assertThat(purged.exit()).as(purged.err()).isZero();
        assertThat(purged.out()).contains("purged " + deadLetters + " dead letter(s)");
        // the depth counts a rolled-back dead letter waiting out its redelivery delay too, which a browser does not see
        assertThat(BrokerStats.depth(net.broker(OSAKA), "jukibus.dlq")).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(nonDelivery(owed)));
        Thread.sleep(3000);
        assertThat(nonDelivery(toldBefore)).as("told before: no second notice").doesNotExist();
        assertThat(BrokerStats.outboundBacklog(net.broker(OSAKA))).isZero();
    }

    /**
     * Shinjuku's clock runs an hour ahead of Osaka-shi's (its operator moved only its own): its notice, dated ahead of
     * Osaka-shi's clock by more than the allowed skew, is refused CLOCK_AHEAD there; its signature verified and it was
     * never delivered, so Shinjuku is told, with both clocks' times, instead of losing every message silently. Osaka-shi
     * first holds it (its own clock may be the one behind) for its hold, 30 minutes here; still ahead after that, it is
     * refused and told. Told, it is final: a replay once Osaka-shi's clock agrees is refused REPLAY (Shinjuku sends it
     * again under a new NoticeId).
     */
    @Test
    @Order(5)
    void an_envelope_dated_ahead_of_its_recipients_clock_is_reported_to_its_sender_with_both_times() throws Exception {
        Duration network = net.clockOffset(SHINJUKU);
        Duration osakaNetwork = net.clockOffset(OSAKA);
        org.jukibus.flow.ClockAheadRelease held = net.context(OSAKA).getBean(org.jukibus.flow.ClockAheadRelease.class);
        try {
            HeldAhead ahead = heldAhead("O-6", "6200000006");
            String id = ahead.id();
            int before = ahead.deadLettersBefore();
            // off the queue once the held delivery's broker transaction commits (the row is written just before it)
            await().atMost(Duration.ofSeconds(10)).until(() -> BrokerStats.depth(net.broker(OSAKA), "jukibus.inbound.transfer-in") == 0);
            assertThat(DeadLetterAssert.count(net, OSAKA)).as("held, not refused").isEqualTo(before);
            // the hold is over, Shinjuku still half an hour ahead: refused and told as without the hold
            net.moveClock(OSAKA, osakaNetwork.plus(Duration.ofMinutes(30)));
            held.round(); // (or the node's own round, every minute)

            assertThat(DeadLetterAssert.next(net, OSAKA, before).reason()).isEqualTo("CLOCK_AHEAD");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(nonDelivery(id)));
            String report = Files.readString(nonDelivery(id), StandardCharsets.UTF_8);
            assertThat(report).contains("<Status>NOT_DELIVERED</Status>").contains("<ReportedBy>RECIPIENT</ReportedBy>")
                    .contains("<ReasonCode>CLOCK_AHEAD</ReasonCode>").contains("by the sender clock, refused at ").contains("by the recipient clock")
                    .contains("one of the two clocks is wrong");
            assertThat(deadLetter(id).getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("TOLD");
            assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == SentMessages.State.NOT_DELIVERED);

            // the told refusal is final (review H1): Osaka-shi's clock fixed, its operator replays the dead letter, which
            // would now open; it is refused REPLAY, nothing reaches the outbox, nothing more is told
            net.moveClock(OSAKA, osakaNetwork.plus(Duration.ofHours(1)));
            DeadLetterToolingIT.Run replay = dlq("replay", "--id", deadLetter(id).getJMSMessageID());
            assertThat(replay.exit()).as(replay.err()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> net.browse(OSAKA, "jukibus.dlq").stream().anyMatch(m -> {
                try {
                    return "REPLAY".equals(m.getStringProperty(Headers.REJECT_REASON))
                            && m.getStringProperty(Headers.REJECT_DETAIL).contains("message " + id + " from " + SHINJUKU);
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(net.files(OSAKA, "outbox", "transfer-in")).as("never delivered after it was told").isEmpty();
            assertThat(state(id)).isEqualTo(SentMessages.State.NOT_DELIVERED);
            held.round();
            assertThat(held.heldBySender()).as("nothing held any more").isEmpty();
        } finally {
            net.moveClock(SHINJUKU, network);
            net.moveClock(OSAKA, osakaNetwork);
        }
    }

    /**
     * analysis-months H1: Osaka-shi's clock is behind (its host came back from an outage before NTP answered), so
     * Shinjuku's notice is made an hour in its future. It is held, not refused: no dead letter, nothing told, off the
     * inbound queue (the queue's other messages flow), the gauge and the health component {@code clock} say so. Once
     * Osaka-shi's clock is right it is put back on its queue and delivered, and Shinjuku has its receipt.
     */
    @Test
    @Order(6)
    void an_envelope_dated_ahead_of_a_recipient_whose_clock_is_behind_is_held_and_delivered_once_its_clock_is_right() throws Exception {
        Duration network = net.clockOffset(SHINJUKU);
        Duration osakaNetwork = net.clockOffset(OSAKA);
        org.jukibus.flow.ClockAheadRelease held = net.context(OSAKA).getBean(org.jukibus.flow.ClockAheadRelease.class);
        try {
            // the same as Osaka-shi's clock an hour behind, which a test cannot set below the system's: Shinjuku's an hour ahead
            HeldAhead ahead = heldAhead("O-7", "6200000007");
            String id = ahead.id();
            assertThat(net.context(OSAKA).getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .get("jukibus.delivery.clock.ahead.held").tag("sender", SHINJUKU).gauge().value()).isEqualTo(1.0);
            assertThat(held.round()).as("not yet due").isZero();
            assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();

            net.moveClock(OSAKA, osakaNetwork.plus(Duration.ofHours(1)));
            held.round(); // (or the node's own round, every minute)

            await().atMost(Duration.ofSeconds(30)).until(() -> !net.files(OSAKA, "outbox", "transfer-in").isEmpty());
            await().atMost(Duration.ofSeconds(30)).until(() -> state(id) == SentMessages.State.DELIVERED);
            assertThat(DeadLetterAssert.count(net, OSAKA)).as("never refused").isEqualTo(ahead.deadLettersBefore());
            held.round();
            assertThat(held.heldBySender()).isEmpty();
            assertThat(nonDelivery(id)).doesNotExist();
        } finally {
            net.moveClock(SHINJUKU, network);
            net.moveClock(OSAKA, osakaNetwork);
        }
    }

    /** The notice sent ahead and the dead letters Osaka-shi had before it. */
    private record HeldAhead(String id, int deadLettersBefore) {
    }

    /**
     * The two clock-ahead tests' start: Shinjuku's clock an hour ahead of Osaka-shi's, a notice sent from it, held at
     * Osaka-shi (not refused) once its hold round has seen it. The caller puts both clocks back.
     */
    private HeldAhead heldAhead(String source, String resident) throws Exception {
        net.moveClock(SHINJUKU, net.clockOffset(SHINJUKU).plus(Duration.ofHours(1)));
        int before = DeadLetterAssert.count(net, OSAKA);
        String id = notice(source, resident);
        org.jukibus.flow.ClockAheadRelease held = net.context(OSAKA).getBean(org.jukibus.flow.ClockAheadRelease.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            held.round();
            return held.heldBySender().getOrDefault(SHINJUKU, 0L) == 1L;
        });
        return new HeldAhead(id, before);
    }

    /**
     * Every dead letter on Osaka-shi as it is {@code by} later: its envelope's created-at that much earlier, the rest
     * as it was (the owed-notice round goes by the system's clock, which a test cannot move).
     */
    @SuppressWarnings("unchecked")
    private static void ageDeadLetters(Duration by) throws Exception {
        try (Connection c = net.local(OSAKA).createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue dlq = s.createQueue("jukibus.dlq");
            List<BytesMessage> aged = new java.util.ArrayList<>();
            try (MessageConsumer consumer = s.createConsumer(dlq)) {
                for (Message m = consumer.receive(2000); m != null; m = consumer.receive(1000)) {
                    BytesMessage copy = s.createBytesMessage();
                    copy.writeBytes(TestNetwork.body((BytesMessage) m));
                    for (String name : Collections.list((Enumeration<String>) m.getPropertyNames())) {
                        if (name.startsWith("Jukibus")) {
                            copy.setObjectProperty(name, m.getObjectProperty(name));
                        }
                    }
                    Instant createdAt = Instant.parse(m.getStringProperty(Headers.CREATED_AT)).minus(by);
                    copy.setStringProperty(Headers.CREATED_AT, createdAt.toString());
                    copy.setLongProperty(Headers.CREATED_AT_MILLIS, createdAt.toEpochMilli());
                    aged.add(copy);
                }
            }
            MessageProducer producer = s.createProducer(dlq);
            for (BytesMessage m : aged) {
                producer.send(m);
            }
            s.commit();
        }
    }

    /** Drops a notice at Shinjuku for Osaka-shi while Osaka-shi's outbox is unwritable; returns its id once dead-lettered, owed. */
    private static String deadLetteredOwed(String noticeId, String residentDigits) throws Exception {
        Path outbox = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");
        Path blocked = outbox.resolveSibling("transfer-in.moved");
        Files.createDirectories(outbox);
        Files.move(outbox, blocked);
        Files.writeString(outbox, "a file where the folder should be");
        String id;
        int before = DeadLetterAssert.count(net, OSAKA);
        try {
            id = notice(noticeId, residentDigits);
            assertThat(DeadLetterAssert.next(net, OSAKA, before).reason()).isEqualTo("OUTBOX_UNWRITABLE");
        } finally {
            Files.delete(outbox);
            Files.move(blocked, outbox);
        }
        Message dead = net.browse(OSAKA, "jukibus.dlq").get(before);
        assertThat(dead.getStringProperty(Headers.SENDER_NOTICE)).isEqualTo("OWED");
        assertThat(dead.getStringProperty(Headers.SENDER)).isEqualTo(SHINJUKU);
        return id;
    }

    private static String notice(String noticeId, String residentDigits) throws Exception {
        byte[] notice = Notices.transferIn(noticeId, ResidentCode.of(residentDigits), SHINJUKU, OSAKA);
        net.drop(SHINJUKU, "transfer-in", noticeId + ".xml", notice);
        return MessageIds.forInput(SHINJUKU, notice);
    }

    /** Osaka-shi's dead letter of message {@code id}. */
    private static Message deadLetter(String id) throws Exception {
        List<Message> found = new java.util.ArrayList<>();
        for (Message m : net.browse(OSAKA, "jukibus.dlq")) {
            if (id.equals(m.getStringProperty(Headers.MESSAGE_ID))) {
                found.add(m);
            }
        }
        return only(found);
    }

    private static Message only(List<Message> messages) {
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static Path nonDelivery(String id) {
        return net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("non-delivery").resolve(OSAKA + "-" + id + ".xml");
    }

    private static SentMessages.State state(String messageId) {
        return net.context(SHINJUKU).getBean(SentMessages.class).find(messageId, OSAKA).map(SentMessages.Sent::state).orElse(null);
    }

    private static DeadLetterToolingIT.Run dlq(String command, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("dlq", command));
        all.addAll(net.operatorLogin(OSAKA));
        all.addAll(List.of(args));
        return DeadLetterToolingIT.run(all.toArray(String[]::new));
    }
}
