package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.clock.MovableClock;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.envelope.OpenedEnvelope;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.flow.Answers;
import org.jukibus.flow.ClockAheadHold;
import org.jukibus.flow.ClockAheadRelease;
import org.jukibus.flow.FlowHandlers;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.flow.Flows;
import org.jukibus.flow.Headers;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.SeenMessages;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An envelope refused as EXPIRED at its recipient after its signature verified: its signer (the producer) is told it
 * was not delivered, unless the recipient's seen messages (the real store) say it was delivered, in which case the
 * expired copy is a duplicate and nothing is told, nor when it is older than the seen messages remember.
 * Osaka-shi seals on day 0; Shinjuku opens on day 32 (its receiver window is 31 days). The same for an envelope
 * refused as dated ahead of the recipient's clock (CLOCK_AHEAD).
 */
class ExpiredEnvelopeNoticeTest {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final String BUNKYO = "131059";
    static final Instant DAY_0 = Instant.parse("2026-10-01T09:00:00Z");
    static final Instant DAY_32 = DAY_0.plus(Duration.ofDays(32));

    @TempDir
    static Path dir;
    static KeyMaterial shinjukuKeys;
    /** Shinjuku's key after it rolled (a new key pair and certificate): envelopes sealed to the old one no longer decrypt. */
    static KeyMaterial shinjukuRolledKeys;
    static NodeDirectory directory;
    /** The directory after Osaka-shi renewed its key (a new certificate): its earlier envelopes no longer verify. */
    static NodeDirectory osakaRenewed;
    /** The directory after Osaka-shi left it. */
    static NodeDirectory withoutOsaka;
    static NodeEnvelopes osakaOnDay0;
    static NodeEnvelopes osakaOnDay32;
    /** Osaka-shi on day 32 with its clock an hour ahead of Shinjuku's. */
    static NodeEnvelopes osakaAnHourAhead;
    /** Osaka-shi on day 32 with its clock two days ahead of Shinjuku's: more than a hold of a day. */
    static NodeEnvelopes osakaTwoDaysAhead;
    /** Bunkyo-ku on day 32 with its clock an hour ahead of Shinjuku's. */
    static NodeEnvelopes bunkyoAnHourAhead;

    SeenMessages seen;
    NodeEnvelopes shinjuku;
    InboundDelivery delivery;
    NonDeliveryNotices notices;

    @BeforeAll
    static void keys() throws Exception {
        // the network's certificates as issued before day 0: the opener checks the signer's at the envelope's createdAt
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test root",
                CertificateAuthority.DEFAULT_CA_VALIDITY, "pw".toCharArray(), fixed(DAY_0.minus(Duration.ofDays(1))));
        shinjukuKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        KeyMaterial osakaKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, OSAKA, "大阪市"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        KeyMaterial bunkyoKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, BUNKYO, "文京区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        directory = new NodeDirectory(1, Instant.now(), List.of(
                new NodeEntry(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13", new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2), shinjukuKeys.certificate()),
                new NodeEntry(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27", new Endpoint("127.0.0.1", 3), new Endpoint("127.0.0.1", 4), osakaKeys.certificate()),
                new NodeEntry(NodeRole.MUNICIPAL, BUNKYO, "文京区", "13", new Endpoint("127.0.0.1", 5), new Endpoint("127.0.0.1", 6), bunkyoKeys.certificate())));
        shinjukuRolledKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        KeyMaterial osakaRenewedKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, OSAKA, "大阪市"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        osakaRenewed = new NodeDirectory(2, Instant.now(), List.of(directory.all().get(0),
                new NodeEntry(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27", new Endpoint("127.0.0.1", 3), new Endpoint("127.0.0.1", 4), osakaRenewedKeys.certificate()),
                directory.all().get(2)));
        withoutOsaka = new NodeDirectory(3, Instant.now(), List.of(directory.all().get(0), directory.all().get(2)));
        osakaTwoDaysAhead = new NodeEnvelopes(OSAKA, osakaKeys, directory, () -> null, new NodeProperties.Envelope(),
                fixed(DAY_32.plus(Duration.ofDays(2))));
        bunkyoAnHourAhead = new NodeEnvelopes(BUNKYO, bunkyoKeys, directory, () -> null, new NodeProperties.Envelope(),
                fixed(DAY_32.plus(Duration.ofHours(1))));
        osakaOnDay0 = new NodeEnvelopes(OSAKA, osakaKeys, directory, () -> null, new NodeProperties.Envelope(), fixed(DAY_0));
        osakaOnDay32 = new NodeEnvelopes(OSAKA, osakaKeys, directory, () -> null, new NodeProperties.Envelope(), fixed(DAY_32));
        osakaAnHourAhead = new NodeEnvelopes(OSAKA, osakaKeys, directory, () -> null, new NodeProperties.Envelope(),
                fixed(DAY_32.plus(Duration.ofHours(1))));
    }

    DataSource store;

    @BeforeEach
    void shinjukuOnDay32() {
        store = TestStores.fresh(NodeRole.MUNICIPAL);
        NodeProperties.Envelope limits = new NodeProperties.Envelope();
        // as NodeConfiguration keeps them: the receiver window, an outage window and the allowed clock skew more
        seen = new SeenMessages(store, fixed(DAY_32), limits.receiverWindow().plus(limits.getOutageWindow()).plus(limits.getMaxFuture()));
        shinjuku = new NodeEnvelopes(SHINJUKU, shinjukuKeys, directory, () -> null, limits, fixed(DAY_32));
        delivery = new InboundDelivery(Flows.standard(), new FlowHandlers(List.of()), null, shinjuku, seen, FlowMetrics.none(),
                event -> { }, null);
        DeliveryStatus untracked = new DeliveryStatus(null, Flows.standard(), fixed(DAY_32));
        notices = new NonDeliveryNotices(new Answers(new FlowHandlers(List.of()), shinjuku, untracked, (d, digest) -> false,
                fixed(DAY_32)), null, null, id -> false, seen, SHINJUKU, fixed(DAY_32));
    }

    @Test
    void an_expired_message_never_delivered_gets_a_notice_to_its_signer_with_reason_expired() throws Exception {
        byte[] envelope = osakaOnDay0.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d01", null, notice());

        List<?> sent = deadLettered(envelope, OSAKA, "ID:1");

        assertThat(sent).hasSize(1);
        Message message = (Message) sent.get(0);
        assertThat(message.getHeader(Headers.RECIPIENT)).isEqualTo(OSAKA);
        OpenedEnvelope notice = osakaOnDay32.open(message.getBody(byte[].class));
        assertThat(notice.header().correlationId()).isEqualTo("0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d01");
        assertThat(new String(notice.payloadBytes(), StandardCharsets.UTF_8)).contains("<ReasonCode>EXPIRED</ReasonCode>")
                .contains("<MessageId>0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d01</MessageId>");
    }

    @Test
    void an_expired_copy_of_a_delivered_message_is_a_silent_duplicate() throws Exception {
        byte[] envelope = osakaOnDay0.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d02", null, notice());
        seen.record(OSAKA, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d02", "ID:first", DAY_0);

        assertThat(deadLettered(envelope, OSAKA, "ID:second")).isEmpty();
        assertThat(deadLettered(envelope, OSAKA, "ID:first")).as("the delivered broker message itself, again").isEmpty();
    }

    @Test
    void an_envelope_older_than_the_seen_messages_remember_gets_nothing() throws Exception {
        assertThat(seen.remembers(DAY_32.minus(Duration.ofDays(60)))).isTrue();
        assertThat(seen.remembers(DAY_32.minus(Duration.ofDays(62)))).isFalse();
        byte[] envelope = osakaOnDay0.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d03", null, notice());
        // a node that keeps delivered ids for the receiver window only (as before): day 0 is past what it remembers
        SeenMessages forgetful = new SeenMessages(TestStores.fresh(NodeRole.MUNICIPAL), fixed(DAY_32), Duration.ofDays(31));
        delivery = new InboundDelivery(Flows.standard(), new FlowHandlers(List.of()), null, shinjuku, forgetful,
                FlowMetrics.none(), event -> { }, null);

        assertThat(deadLettered(envelope, OSAKA, "ID:1")).isEmpty();
    }

    @Test
    void an_expired_envelope_put_here_by_another_node_than_its_signer_gets_nothing() throws Exception {
        byte[] envelope = osakaOnDay0.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d04", null, notice());

        assertThat(deadLettered(envelope, BUNKYO, "ID:1")).isEmpty();
    }

    /**
     * A sender whose clock is ahead: its envelope, dated more than the allowed skew after the recipient's now, is refused
     * CLOCK_AHEAD; its signature verified and it was never delivered, so its signer is told, and the notice says both
     * times (either clock may be the wrong one). Without the notice every message of that sender would end silently.
     */
    @Test
    void a_message_dated_ahead_of_the_recipients_clock_gets_a_notice_naming_the_clock_with_both_times() throws Exception {
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d05", null, notice());

        List<?> sent = deadLettered(envelope, OSAKA, "ID:1", RejectionReason.CLOCK_AHEAD);

        assertThat(sent).hasSize(1);
        OpenedEnvelope notice = osakaAnHourAhead.open(((Message) sent.get(0)).getBody(byte[].class));
        assertThat(notice.header().correlationId()).isEqualTo("0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d05");
        String text = new String(notice.payloadBytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("<ReasonCode>CLOCK_AHEAD</ReasonCode>")
                .contains("created at " + DAY_32.plus(Duration.ofHours(1)) + " by the sender clock")
                .contains("refused at " + DAY_32 + " by the recipient clock");
        NonDeliveryNotice parsed = new com.fasterxml.jackson.dataformat.xml.XmlMapper().readValue(notice.payloadBytes(),
                NonDeliveryNotice.class);
        assertThat(RecipientClaim.detail(SHINJUKU, parsed.reasonCode(), parsed.detail()))
                .as("the sender's file keeps the whole text").doesNotContain("…")
                .contains("created at " + DAY_32.plus(Duration.ofHours(1)) + " by the sender clock").endsWith("one of the two clocks is wrong");
    }

    @Test
    void a_copy_dated_ahead_of_a_delivered_message_gets_nothing_nor_one_put_here_by_another_node() throws Exception {
        // delivered before this node's clock was moved back (a drill): its copy now looks made in the future
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d06", null, notice());
        seen.record(OSAKA, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d06", "ID:first", DAY_32.plus(Duration.ofHours(1)));
        assertThat(deadLettered(envelope, OSAKA, "ID:second", RejectionReason.CLOCK_AHEAD)).isEmpty();

        byte[] other = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d07", null, notice());
        assertThat(deadLettered(other, BUNKYO, "ID:3", RejectionReason.CLOCK_AHEAD)).isEmpty();
    }

    /**
     * A told CLOCK_AHEAD refusal is final (review H1): once Osaka-shi was told NOT_DELIVERED, its legacy system sends
     * the notice again under a new id; the refused envelope must then never be delivered, though it would open once
     * Shinjuku's clock caught up. A {@code dlq replay} (the node itself, a new broker message) and the sender's broker
     * sending the same envelope again are both refused as REPLAY, and nothing more is told.
     */
    @Test
    void a_message_refused_as_dated_ahead_and_told_is_never_delivered_later_by_a_replay_or_a_copy() throws Exception {
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d08";
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, id, null, fromOsaka());
        Exchange told = deadLetterExchange(envelope, OSAKA, "ID:1", RejectionReason.CLOCK_AHEAD);
        notices.onDeadLetter(told);
        assertThat(told.getProperty(NonDeliveryNotices.NOTICES, List.class)).hasSize(1);
        assertThat(told.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo(NonDeliveryNotices.TOLD);

        // Shinjuku's clock fixed: the envelope is now within the window, and would open
        delivery = onShinjukusClockAt(DAY_32.plus(Duration.ofHours(1)));
        assertThat(opened(envelope, NodeSecurityManager.LOCAL_USER, "ID:replay"))
                .as("dlq replay of the told dead letter").isEqualTo(RejectionReason.REPLAY);
        assertThat(opened(envelope, OSAKA, "ID:resent")).as("the sender's broker sending it again").isEqualTo(RejectionReason.REPLAY);
    }

    /**
     * The record of a told refusal commits before the broker transaction that dead-letters the envelope and sends the
     * notice. Should that roll back, the broker hands the same message again: it is refused and told again (not taken
     * for a copy of a told one, which would lose the notice), and once the clocks agree it opens (nothing was told).
     */
    @Test
    void a_told_refusal_whose_broker_transaction_rolled_back_is_told_again_or_delivered() throws Exception {
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d09";
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, id, null, notice());
        assertThat(deadLettered(envelope, OSAKA, "ID:1", RejectionReason.CLOCK_AHEAD)).hasSize(1);

        assertThat(deadLettered(envelope, OSAKA, "ID:1", RejectionReason.CLOCK_AHEAD)).as("the same broker message again").hasSize(1);
        assertThat(seen.check(OSAKA, id, "ID:1")).isEqualTo(SeenMessages.Verdict.NEW);
        assertThat(seen.check(OSAKA, id, "ID:2")).isEqualTo(SeenMessages.Verdict.REPLAY);
        // delivered at last: a crash before the broker commits makes it a redelivery, not new
        seen.record(OSAKA, id, "ID:1", DAY_32.plus(Duration.ofHours(1)));
        assertThat(seen.check(OSAKA, id, "ID:1")).isEqualTo(SeenMessages.Verdict.REDELIVERY);
    }

    /**
     * Only the verified signer's own id is recorded: a copy of Osaka-shi's envelope put here by Bunkyo (a hostile peer
     * replaying what it caught) is refused with nothing told and nothing recorded, so Osaka-shi's own copy, once the
     * clocks agree, is still delivered.
     */
    @Test
    void a_copy_put_here_by_another_node_does_not_make_the_signers_message_final() throws Exception {
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d10";
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, id, null, notice());
        assertThat(deadLettered(envelope, BUNKYO, "ID:1", RejectionReason.CLOCK_AHEAD)).isEmpty();

        assertThat(seen.check(OSAKA, id, "ID:2")).isEqualTo(SeenMessages.Verdict.NEW);
    }

    /**
     * Shinjuku's clock is behind (back from an outage before NTP answered): Osaka-shi's envelope, an hour in its future,
     * is held, not refused: no dead letter, nothing told, its broker message acknowledged (the route stops). Once
     * Shinjuku's clock reaches it, the envelope goes back on the queue (by this node) and opens, its producer taken as
     * the signer the hold recorded. Held in the store: a second hold on the same store (a restart) still has it.
     */
    @Test
    void a_message_dated_ahead_of_a_clock_behind_is_held_and_delivered_once_the_clock_catches_up() throws Exception {
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d11";
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, id, null, fromOsaka());
        MovableClock clock = new MovableClock(DAY_32);
        delivery = holding(clock, Duration.ofDays(1), new ClockAheadHold.Bound(10, 1 << 20));

        Exchange first = incoming(envelope, OSAKA, "ID:1");
        delivery.open(first);

        assertThat(first.getProperty(InboundDelivery.HELD)).isEqualTo(true);
        assertThat(first.isRouteStop()).as("nothing more is done with it: acknowledged").isTrue();
        ClockAheadHold restarted = hold(clock, Duration.ofDays(1), new ClockAheadHold.Bound(10, 1 << 20));
        assertThat(restarted.heldBySender()).isEqualTo(java.util.Map.of(OSAKA, 1L));
        assertThat(restarted.due(10, 1 << 20)).as("not yet: still ahead of the clock").isEmpty();

        clock.now = DAY_32.plus(Duration.ofMinutes(56)); // NTP answered: the clock is right, createdAt within max-future
        List<ClockAheadHold.Held> due = restarted.due(10, 1 << 20);
        assertThat(due).extracting(ClockAheadHold.Held::messageId).containsExactly(id);
        assertThat(due.get(0).envelope()).isEqualTo(envelope);
        restarted.released(due);

        Exchange back = putBack(due.get(0).envelope(), OSAKA, "ID:back");
        delivery.open(back);
        assertThat(back.getProperty(InboundDelivery.HELD)).isNull();
        assertThat(back.getIn().getHeader(Headers.MESSAGE_ID)).isEqualTo(id);
        assertThat(InboundDelivery.producer(back)).as("the signer put the original here").isEqualTo(OSAKA);
        assertThat(restarted.heldBySender()).isEmpty();
    }

    /**
     * Held for the whole hold and still ahead (the sender's clock is the wrong one): refused CLOCK_AHEAD and told, as
     * without the hold, only later; the put-back copy is told to its signer though this node put it on the queue.
     */
    @Test
    void a_message_still_ahead_after_the_hold_is_refused_and_its_signer_told() throws Exception {
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d12";
        byte[] envelope = osakaTwoDaysAhead.seal("TransferInNotice", SHINJUKU, id, null, notice());
        MovableClock clock = new MovableClock(DAY_32);
        ClockAheadHold hold = hold(clock, Duration.ofDays(1), new ClockAheadHold.Bound(10, 1 << 20));
        delivery = holding(clock, hold);
        Exchange first = incoming(envelope, OSAKA, "ID:1");
        delivery.open(first);
        assertThat(first.getProperty(InboundDelivery.HELD)).isEqualTo(true);

        clock.now = DAY_32.plus(Duration.ofHours(23));
        assertThat(hold.due(10, 1 << 20)).isEmpty();
        clock.now = DAY_32.plus(Duration.ofDays(1));
        List<ClockAheadHold.Held> due = hold.due(10, 1 << 20);
        assertThat(due).hasSize(1);
        // the copy is consumed before the release marks it released (review H1): still its signer's

        List<?> sent = deadLettered(putBack(envelope, OSAKA, "ID:back"), RejectionReason.CLOCK_AHEAD);
        assertThat(sent).as("its signer told").hasSize(1);
        assertThat(((Message) sent.get(0)).getHeader(Headers.RECIPIENT)).isEqualTo(OSAKA);
        hold.released(due);
        assertThat(hold.forgetSeen()).as("told: kept a while, should the notice's transaction roll back").isZero();
        clock.move(Duration.ofMinutes(10));
        assertThat(hold.forgetSeen()).as("told: forgotten 10 minutes after its put-back").isEqualTo(1);
        // the notice's broker transaction rolled back after all (a crash): the same copy again, told again
        assertThat(deadLettered(putBack(envelope, OSAKA, "ID:back"), RejectionReason.CLOCK_AHEAD)).hasSize(1);

        // a copy of a node-local producer without the stamp (a dlq replay: dead letters drop every Jukibus property),
        // or stamped with another node than the signer, is no put-back copy: nothing told
        byte[] another = osakaTwoDaysAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d13", null, notice());
        assertThat(deadLettered(putBack(another, BUNKYO, "ID:other"), RejectionReason.CLOCK_AHEAD)).isEmpty();
        assertThat(deadLettered(another, NodeSecurityManager.LOCAL_USER, "ID:replay", RejectionReason.CLOCK_AHEAD)).isEmpty();
    }

    /**
     * During the hold (up to 30 days) Osaka-shi renewed its key: the copy put back once Shinjuku's clock reaches it no
     * longer verifies (BAD_SIGNATURE), so no signed header exists at its refusal. It was verified when it was held: its
     * sender is told NOT_DELIVERED at once, from the hold row, the refusal is final (a later copy is a REPLAY), and the
     * row goes after its put-back (analysis-merge11 M3: before, nothing was told, the row lingered 30 days, and the
     * sender learnt only from UNANSWERED at 61 days). Should the notice's broker transaction roll back (a crash), the
     * same copy comes again and is told again: the row is still there.
     * <p>
     * Had Osaka-shi left the directory instead (UNKNOWN_SENDER), no notice can be sealed to it: the notice is owed,
     * nothing recorded as told, so OwedNotices tells it should the directory list Osaka-shi again.
     */
    @Test
    void a_held_message_whose_sender_renewed_its_key_or_left_the_directory_during_the_hold_is_told_or_owed_once_due() throws Exception {
        MovableClock clock = new MovableClock(DAY_32);
        ClockAheadHold hold = hold(clock, Duration.ofDays(30), new ClockAheadHold.Bound(10, 1 << 20));
        String renewed = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9f01";
        String left = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9f02";
        byte[] beforeRenewal = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, renewed, null, notice());
        byte[] beforeLeaving = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, left, null, notice());
        delivery = holding(clock, hold, directory);
        for (byte[] envelope : List.of(beforeRenewal, beforeLeaving)) {
            Exchange first = incoming(envelope, OSAKA, "ID:" + envelope.length + envelope[envelope.length - 9]);
            delivery.open(first);
            assertThat(first.getProperty(InboundDelivery.HELD)).isEqualTo(true);
        }
        clock.now = DAY_32.plus(Duration.ofMinutes(56));
        List<ClockAheadHold.Held> due = hold.due(10, 1 << 20);
        assertThat(due).hasSize(2);
        hold.released(due);

        delivery = holding(clock, hold, osakaRenewed);
        notices = noticesReading(osakaRenewed);
        List<?> told = deadLettered(putBack(beforeRenewal, OSAKA, "ID:back-1"), RejectionReason.BAD_SIGNATURE);
        assertThat(told).as("its signer told, promptly").singleElement()
                .satisfies(m -> assertThat(((Message) m).getHeader(Headers.RECIPIENT)).isEqualTo(OSAKA));
        assertThat(seen.check(OSAKA, renewed, "ID:again")).as("told, so final").isEqualTo(SeenMessages.Verdict.REPLAY);
        assertThat(hold.forgetSeen()).as("kept a while after the told record").isZero();
        assertThat(deadLettered(putBack(beforeRenewal, OSAKA, "ID:back-1"), RejectionReason.BAD_SIGNATURE))
                .as("its transaction rolled back: the same copy again, told again").hasSize(1);

        delivery = holding(clock, hold, withoutOsaka);
        notices = noticesReading(withoutOsaka);
        Exchange owed = deadLetterExchange(putBack(beforeLeaving, OSAKA, "ID:back-2"), RejectionReason.UNKNOWN_SENDER);
        notices.onDeadLetter(owed);
        assertThat(owed.getProperty(NonDeliveryNotices.NOTICES, List.class)).as("nobody to seal it to").isEmpty();
        assertThat(owed.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo(NonDeliveryNotices.OWED);
        assertThat(seen.check(OSAKA, left, "ID:dead-letter")).as("nothing recorded: still owed, not taken for delivered")
                .isEqualTo(SeenMessages.Verdict.NEW);

        clock.move(Duration.ofMinutes(10));
        assertThat(hold.forgetSeen()).as("the told one's row goes; the owed one's stays for its outage window").isEqualTo(1);
        assertThat(hold.heldBySender()).isEmpty();
    }

    /**
     * During the hold Shinjuku's own key rolled: the copy put back verifies but no longer decrypts (UNDECRYPTABLE, no
     * signed header); its sender is told from the hold row, and the refusal is final.
     */
    @Test
    void a_held_message_this_node_can_no_longer_decrypt_after_its_key_rolled_is_told_once_due() throws Exception {
        MovableClock clock = new MovableClock(DAY_32);
        ClockAheadHold hold = hold(clock, Duration.ofDays(30), new ClockAheadHold.Bound(10, 1 << 20));
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9f05";
        byte[] envelope = heldAndDue(clock, hold, id);
        hold.released(hold.due(10, 1 << 20));

        NodeEnvelopes rolled = new NodeEnvelopes(SHINJUKU, shinjukuRolledKeys, directory, () -> null, new NodeProperties.Envelope(), clock);
        delivery = new InboundDelivery(Flows.standard(), new FlowHandlers(List.of()), null, rolled, seen, FlowMetrics.none(),
                event -> { }, null, hold);
        assertThat(deadLettered(putBack(envelope, OSAKA, "ID:back"), RejectionReason.UNDECRYPTABLE)).as("its signer told").hasSize(1);
        assertThat(seen.check(OSAKA, id, "ID:again")).isEqualTo(SeenMessages.Verdict.REPLAY);
    }

    /**
     * What the hold row's header is taken for, and for nothing else: a stamped copy whose bytes are not a held envelope
     * of the stamped sender, a copy put here by a peer rather than this node, and a copy of a message delivered
     * meanwhile (the seen messages), refused before verification, are told nothing, as before.
     */
    @Test
    void a_copy_refused_before_verification_is_told_from_the_hold_only_if_it_is_the_held_envelope_of_its_stamp() throws Exception {
        MovableClock clock = new MovableClock(DAY_32);
        ClockAheadHold hold = hold(clock, Duration.ofDays(30), new ClockAheadHold.Bound(10, 1 << 20));
        String id = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9f03";
        byte[] envelope = heldAndDue(clock, hold, id);
        delivery = holding(clock, hold, osakaRenewed);

        byte[] notHeld = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9f04", null, notice());
        assertThat(deadLettered(putBack(notHeld, OSAKA, "ID:2"), RejectionReason.BAD_SIGNATURE)).as("never held").isEmpty();
        assertThat(deadLettered(putBack(envelope, BUNKYO, "ID:3"), RejectionReason.BAD_SIGNATURE)).as("another's stamp").isEmpty();
        Exchange byAPeer = incoming(envelope, OSAKA, "ID:4");
        byAPeer.getIn().setHeader(ClockAheadRelease.HELD_FOR, OSAKA);
        assertThat(deadLettered(byAPeer, RejectionReason.BAD_SIGNATURE)).as("stamped by a peer").isEmpty();

        seen.record(OSAKA, id, "ID:delivered", DAY_32.plus(Duration.ofHours(1))); // an earlier copy went through
        assertThat(deadLettered(putBack(envelope, OSAKA, "ID:5"), RejectionReason.BAD_SIGNATURE)).as("a duplicate").isEmpty();
        assertThat(hold.forgetSeen()).isEqualTo(1);
    }

    /**
     * A hostile peer with a valid certificate dates its envelopes ahead: it fills only its own share of the hold (count
     * and bytes); beyond it its envelopes are refused and told as without the hold, and another sender's are still held.
     * A copy of another's envelope put here by a peer that did not sign it is never held.
     */
    @Test
    void a_sender_fills_only_its_own_share_of_the_hold_and_holds_nothing_of_anothers() throws Exception {
        MovableClock clock = new MovableClock(DAY_32);
        ClockAheadHold hold = hold(clock, Duration.ofDays(1), new ClockAheadHold.Bound(2, 1 << 20));
        delivery = holding(clock, hold);
        for (int i = 0; i < 2; i++) {
            Exchange held = incoming(osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9e0" + i,
                    null, notice()), OSAKA, "ID:" + i);
            delivery.open(held);
            assertThat(held.getProperty(InboundDelivery.HELD)).isEqualTo(true);
        }
        byte[] third = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9e03", null, notice());
        assertThat(deadLettered(third, OSAKA, "ID:3", RejectionReason.CLOCK_AHEAD)).as("refused and told as before").hasSize(1);

        Exchange bunkyos = incoming(bunkyoAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9e04",
                null, notice()), BUNKYO, "ID:4");
        delivery.open(bunkyos);
        assertThat(bunkyos.getProperty(InboundDelivery.HELD)).as("another sender's share is its own").isEqualTo(true);

        byte[] copy = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9e05", null, notice());
        assertThat(deadLettered(copy, BUNKYO, "ID:5", RejectionReason.CLOCK_AHEAD)).as("not its signer: nothing told").isEmpty();
        assertThat(hold.heldBySender()).isEqualTo(java.util.Map.of(OSAKA, 2L, BUNKYO, 1L));

        // by bytes: Bunkyo-ku has one envelope held, and room for half another
        ClockAheadHold small = hold(clock, Duration.ofDays(1), new ClockAheadHold.Bound(100, third.length * 3L / 2));
        delivery = holding(clock, small);
        byte[] next = bunkyoAnHourAhead.seal("TransferInNotice", SHINJUKU, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9e06", null, notice());
        assertThat(deadLettered(next, BUNKYO, "ID:6", RejectionReason.CLOCK_AHEAD)).as("refused and told as before").hasSize(1);
        assertThat(small.heldBySender()).isEqualTo(java.util.Map.of(OSAKA, 2L, BUNKYO, 1L));

        // all three due once the clock is right; what goes back at once is bounded by bytes too, but never nothing
        clock.now = DAY_32.plus(Duration.ofHours(1));
        assertThat(small.due(10, 1 << 20)).hasSize(3);
        assertThat(small.due(10, 1)).hasSize(1);
        assertThat(small.due(10, third.length * 3L / 2)).hasSize(2);
    }

    /** Shinjuku's notices, sealed to the peers {@code peers} lists (the directory in force). */
    private NonDeliveryNotices noticesReading(NodeDirectory peers) {
        NodeEnvelopes sealer = new NodeEnvelopes(SHINJUKU, shinjukuKeys, peers, () -> null, new NodeProperties.Envelope(), fixed(DAY_32));
        DeliveryStatus untracked = new DeliveryStatus(null, Flows.standard(), fixed(DAY_32));
        return new NonDeliveryNotices(new Answers(new FlowHandlers(List.of()), sealer, untracked, (d, digest) -> false,
                fixed(DAY_32)), null, null, id -> false, seen, SHINJUKU, fixed(DAY_32));
    }

    private ClockAheadHold hold(Clock clock, Duration hold, ClockAheadHold.Bound bound) {
        return new ClockAheadHold(store, clock, hold, new NodeProperties.Envelope().getMaxFuture(), bound);
    }

    private InboundDelivery holding(MovableClock clock, Duration hold, ClockAheadHold.Bound bound) {
        return holding(clock, hold(clock, hold, bound));
    }

    private InboundDelivery holding(MovableClock clock, ClockAheadHold hold) {
        return holding(clock, hold, directory);
    }

    /**
     * Osaka-shi's envelope {@code id}, dated an hour ahead of Shinjuku's clock: held in {@code hold} on arrival, then
     * Shinjuku's clock is moved 56 minutes on, where it is due. {@code delivery} is left holding, reading the directory.
     */
    private byte[] heldAndDue(MovableClock clock, ClockAheadHold hold, String id) throws Exception {
        byte[] envelope = osakaAnHourAhead.seal("TransferInNotice", SHINJUKU, id, null, notice());
        delivery = holding(clock, hold, directory);
        Exchange arrival = incoming(envelope, OSAKA, "ID:1");
        delivery.open(arrival);
        assertThat(arrival.getProperty(InboundDelivery.HELD)).as("held").isEqualTo(true);
        clock.now = DAY_32.plus(Duration.ofMinutes(56));
        return envelope;
    }

    /** Shinjuku's delivery, its opener reading {@code peers}. */
    private InboundDelivery holding(MovableClock clock, ClockAheadHold hold, NodeDirectory peers) {
        NodeEnvelopes opener = new NodeEnvelopes(SHINJUKU, shinjukuKeys, peers, () -> null, new NodeProperties.Envelope(), clock);
        return new InboundDelivery(Flows.standard(), new FlowHandlers(List.of()), null, opener, seen, FlowMetrics.none(),
                event -> { }, null, hold);
    }

    /** Shinjuku's delivery with its node clock at {@code now}, the same seen messages. */
    private InboundDelivery onShinjukusClockAt(Instant now) {
        NodeEnvelopes later = new NodeEnvelopes(SHINJUKU, shinjukuKeys, directory, () -> null, new NodeProperties.Envelope(), fixed(now));
        return new InboundDelivery(Flows.standard(), new FlowHandlers(List.of()), null, later, seen, FlowMetrics.none(),
                event -> { }, null);
    }

    /** Opens the envelope as put there by {@code producer}: the reason it is refused, or null if it would be delivered. */
    private RejectionReason opened(byte[] envelope, String producer, String brokerId) throws Exception {
        try {
            delivery.open(incoming(envelope, producer, brokerId));
            return null;
        } catch (EnvelopeRejectedException e) {
            return e.reason();
        }
    }

    private static Exchange incoming(byte[] envelope, String producer, String brokerId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Headers.FLOW, "transfer-in");
        exchange.getIn().setBody(envelope);
        exchange.getIn().setHeader(Headers.VALIDATED_USER, producer);
        exchange.getIn().setHeader("JMSMessageID", brokerId);
        return exchange;
    }

    /** Opens the envelope on Shinjuku's transfer-in queue as put there by {@code producer}; returns what its sender is sent. */
    private List<?> deadLettered(byte[] envelope, String producer, String brokerId) throws Exception {
        return deadLettered(envelope, producer, brokerId, RejectionReason.EXPIRED);
    }

    private List<?> deadLettered(byte[] envelope, String producer, String brokerId, RejectionReason expected) throws Exception {
        return deadLettered(incoming(envelope, producer, brokerId), expected);
    }

    private List<?> deadLettered(Exchange incoming, RejectionReason expected) throws Exception {
        Exchange exchange = deadLetterExchange(incoming, expected);
        notices.onDeadLetter(exchange);
        return exchange.getProperty(NonDeliveryNotices.NOTICES, List.class);
    }

    /** A held envelope as this node's release puts it back: produced by the node itself, stamped with {@code heldFor}. */
    private static Exchange putBack(byte[] envelope, String heldFor, String brokerId) {
        Exchange exchange = incoming(envelope, NodeSecurityManager.LOCAL_USER, brokerId);
        exchange.getIn().setHeader(ClockAheadRelease.HELD_FOR, heldFor);
        return exchange;
    }

    /** The exchange of the envelope refused with {@code expected} on Shinjuku's transfer-in queue, labelled as the route does. */
    private Exchange deadLetterExchange(byte[] envelope, String producer, String brokerId, RejectionReason expected) {
        return deadLetterExchange(incoming(envelope, producer, brokerId), expected);
    }

    private Exchange deadLetterExchange(Exchange exchange, RejectionReason expected) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> delivery.open(exchange)).isInstanceOfSatisfying(EnvelopeRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(expected);
            caught[0] = e;
        });
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, caught[0]);
        exchange.getIn().setHeader(Headers.FLOW, "transfer-in");
        exchange.getIn().setHeader(Headers.REJECT_REASON, expected.name());
        exchange.getIn().setHeader(Headers.DEAD_LETTERED_FROM, "jukibus.inbound.transfer-in");
        return exchange;
    }

    private static Clock fixed(Instant at) {
        return Clock.fixed(at, ZoneOffset.UTC);
    }

    /** A transfer-in notice whose parties are the envelope's: from Osaka-shi (new) to Shinjuku (old), so it could open. */
    private static org.w3c.dom.Document fromOsaka() throws Exception {
        String sample = Files.readString(Path.of("docs/samples/transfer-in-notice.xml"))
                .replace("<NewMunicipality>131041</NewMunicipality>", "<NewMunicipality>" + OSAKA + "</NewMunicipality>")
                .replace("<OldMunicipality>271004</OldMunicipality>", "<OldMunicipality>" + SHINJUKU + "</OldMunicipality>");
        return osakaOnDay0.parsePayload(sample.getBytes(StandardCharsets.UTF_8), "TransferInNotice");
    }

    private static org.w3c.dom.Document notice() throws Exception {
        return osakaOnDay0.parsePayload(Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml")), "TransferInNotice");
    }
}
