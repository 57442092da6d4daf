package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.OpenedEnvelope;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.flow.transferin.TransferInFlow;
import org.jukibus.flow.Answers;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandlers;
import org.jukibus.flow.Flows;
import org.jukibus.flow.Headers;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.PermanentFailure;
import org.jukibus.flow.TransientFailure;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeProperties;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.jukibus.flow.transferin.TransferInFlow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who hears of a dead letter: a notice goes back only to a sender whose signature verified and whom the broker
 * authenticated as the producer; it names the reason, never the content. Real envelopes, sealed by Osaka-shi
 * for Shinjuku.
 */
class NonDeliveryNoticesTest {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final String ID = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e";

    @TempDir
    static Path dir;
    static NodeEnvelopes shinjuku;
    static NodeEnvelopes osaka;
    static NonDeliveryNotices notices;

    @BeforeAll
    static void keys() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test root", "pw".toCharArray());
        KeyMaterial sjk = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        KeyMaterial osk = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, OSAKA, "大阪市"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        NodeDirectory directory = new NodeDirectory(1, Instant.now(), List.of(
                new NodeEntry(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13", new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2), sjk.certificate()),
                new NodeEntry(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27", new Endpoint("127.0.0.1", 3), new Endpoint("127.0.0.1", 4), osk.certificate())));
        shinjuku = new NodeEnvelopes(SHINJUKU, sjk, directory, () -> null, new NodeProperties.Envelope(), Clock.systemUTC());
        osaka = new NodeEnvelopes(OSAKA, osk, directory, () -> null, new NodeProperties.Envelope(), Clock.systemUTC());
        // notices are not tracked: the delivery status needs no store here
        DeliveryStatus untracked = new DeliveryStatus(null, Flows.standard(), Clock.systemUTC());
        notices = new NonDeliveryNotices(new Answers(new FlowHandlers(List.of()), shinjuku, untracked, (delivered, digest) -> false, Clock.systemUTC()),
                null, null, id -> SENT_BEFORE.contains(id), null, SHINJUKU, Clock.systemUTC());
    }

    /** The ids of the notices the outbound duplicate cache holds (SentNotices). */
    private static final Set<String> SENT_BEFORE = ConcurrentHashMap.newKeySet();

    @Test
    void a_business_refusal_of_an_authenticated_sender_is_answered_with_a_signed_notice_without_personal_data() throws Exception {
        OpenedEnvelope fromOsaka = shinjuku.open(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()));
        Exchange exchange = deadLetter("UNKNOWN_PERSON", OSAKA);
        exchange.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE, fromOsaka.header(), fromOsaka.payloadBytes()));

        List<?> sent = onDeadLetter(exchange);

        assertThat(sent).hasSize(1);
        Message message = (Message) sent.get(0);
        assertThat(message.getHeader(Headers.RECIPIENT)).isEqualTo(OSAKA);
        assertThat(message.getHeader(Headers.ADDRESS)).isEqualTo("jukibus.inbound.non-delivery");
        OpenedEnvelope notice = osaka.open(message.getBody(byte[].class));
        assertThat(notice.header().correlationId()).isEqualTo(ID);
        assertThat(notice.header().messageId()).isEqualTo(MessageIds.answerOf("non-delivery", OSAKA, ID));
        assertThat(new String(notice.payloadBytes(), StandardCharsets.UTF_8)).contains("<ReasonCode>UNKNOWN_PERSON</ReasonCode>")
                .contains("<Flow>transfer-in</Flow>").doesNotContain("住基").doesNotContain("12345678901");
        assertThat(exchange.getIn().getHeader(Headers.SENDER_NOTICE)).as("the dead letter says so").isEqualTo(NonDeliveryNotices.TOLD);
        assertThat(exchange.getIn().getHeader(Headers.SENDER_TOLD_AT)).isNotNull();
    }

    @Test
    void a_schema_invalid_payload_of_a_verified_sender_is_answered_too() throws Exception {
        byte[] invalid = osaka.seal("TransferInNotice", SHINJUKU, ID, null,
                SecureXml.parse("<TransferInNotice xmlns=\"urn:jukibus:transfer-in:1\"><Name>住基 花子</Name></TransferInNotice>"
                        .getBytes(StandardCharsets.UTF_8)));
        EnvelopeRejectedException refused = catchRejection(invalid);
        assertThat(refused.reason()).isEqualTo(RejectionReason.SCHEMA_INVALID);
        Exchange exchange = deadLetter("SCHEMA_INVALID", OSAKA);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, refused);

        List<?> sent = onDeadLetter(exchange);

        assertThat(sent).hasSize(1);
        OpenedEnvelope notice = osaka.open(((Message) sent.get(0)).getBody(byte[].class));
        assertThat(new String(notice.payloadBytes(), StandardCharsets.UTF_8)).contains("<ReasonCode>SCHEMA_INVALID</ReasonCode>")
                .doesNotContain("住基");
    }

    /**
     * The shared party and resident-code check ({@code Delivered.requireSound}) refuses a verified, authenticated
     * sender's message before any handler: the sender is told, as of any other refusal of its message.
     */
    @Test
    void a_party_mismatch_found_on_opening_is_answered_too() throws Exception {
        InboundDelivery delivery = new InboundDelivery(Flows.standard(), new FlowHandlers(List.of()), null, shinjuku,
                null, FlowMetrics.none(), event -> { }, null);
        Exchange exchange = deadLetter("PARTY_MISMATCH", OSAKA);
        exchange.setProperty(Headers.FLOW, "transfer-in");
        exchange.getIn().setBody(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice())); // names other municipalities
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> delivery.open(exchange)).isInstanceOfSatisfying(PermanentFailure.class, e -> caught[0] = e)
                .hasMessageContaining("PARTY_MISMATCH");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, caught[0]);

        List<?> sent = onDeadLetter(exchange);

        assertThat(sent).hasSize(1);
        OpenedEnvelope notice = osaka.open(((Message) sent.get(0)).getBody(byte[].class));
        assertThat(notice.header().correlationId()).isEqualTo(ID);
        assertThat(new String(notice.payloadBytes(), StandardCharsets.UTF_8)).contains("<ReasonCode>PARTY_MISMATCH</ReasonCode>");
    }

    @Test
    void nothing_goes_back_when_the_sender_is_not_authenticated_twice_over() throws Exception {
        OpenedEnvelope fromOsaka = shinjuku.open(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()));
        Delivered delivered = new Delivered(TransferInFlow.NOTICE, fromOsaka.header(), fromOsaka.payloadBytes());

        // put on the broker by another node than the signer (a copy of Osaka-shi's envelope, replayed by Bunkyo)
        Exchange mismatch = deadLetter("SENDER_MISMATCH", "131059");
        mismatch.setProperty(InboundDelivery.DELIVERED, delivered);
        assertThat(onDeadLetter(mismatch)).isEmpty();
        assertThat(mismatch.getIn().getHeader(Headers.SENDER_NOTICE)).as("nor is one owed").isNull();

        // a dead letter replayed by the operator that fails again: its first failure was told
        Exchange replayed = deadLetter("UNKNOWN_PERSON", NodeSecurityManager.LOCAL_USER);
        replayed.setProperty(InboundDelivery.DELIVERED, delivered);
        assertThat(onDeadLetter(replayed)).isEmpty();

        // an envelope refused before its signature verified names a sender nobody vouches for
        byte[] tampered = new String(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()), StandardCharsets.UTF_8)
                .replace(ID, "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0f").getBytes(StandardCharsets.UTF_8);
        Exchange badSignature = deadLetter("BAD_SIGNATURE", OSAKA);
        EnvelopeRejectedException rejected = catchRejection(tampered);
        assertThat(rejected.reason()).isEqualTo(RejectionReason.BAD_SIGNATURE);
        badSignature.setProperty(Exchange.EXCEPTION_CAUGHT, rejected);
        assertThat(onDeadLetter(badSignature)).isEmpty();

        // and a receipt or a notice is never answered
        Exchange receipt = deadLetter("UNKNOWN_PERSON", OSAKA);
        receipt.getIn().setHeader(Headers.FLOW, "receipt");
        receipt.setProperty(InboundDelivery.DELIVERED, delivered);
        assertThat(onDeadLetter(receipt)).isEmpty();
    }

    /**
     * Issue 14 F: a transient failure whose attempts ran out (a copy of the same envelope in flight, a lock, a full disk)
     * is not final: the message may yet be delivered, so its sender is told nothing (its overdue report covers it).
     */
    @Test
    void a_transient_failure_whose_attempts_ran_out_tells_the_sender_nothing() throws Exception {
        OpenedEnvelope fromOsaka = shinjuku.open(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()));
        for (Exception transientCause : List.of(new TransientFailure("IN_FLIGHT", "a copy is being delivered", null),
                new IllegalStateException("could not serialize access due to concurrent update"))) {
            Exchange exchange = deadLetter("RETRIES_EXHAUSTED", OSAKA);
            exchange.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE, fromOsaka.header(), fromOsaka.payloadBytes()));
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, transientCause);

            assertThat(onDeadLetter(exchange)).as(transientCause.toString()).isEmpty();
            assertThat(exchange.getIn().getHeader(Headers.SENDER_NOTICE)).as("owed, for OwedNotices")
                    .isEqualTo(NonDeliveryNotices.OWED);
        }
    }

    /**
     * A dead letter whose sender was owed a notice, replayed by the operator (the node is its producer), that fails
     * again for good tells the sender now; one whose sender was told tells nothing more; one refused now as a replay
     * (another copy was delivered meanwhile) owes nothing any more.
     */
    @Test
    void a_replay_keeps_what_its_first_failure_decided_and_tells_an_owed_sender_of_a_final_failure() throws Exception {
        OpenedEnvelope fromOsaka = shinjuku.open(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()));
        Delivered delivered = new Delivered(TransferInFlow.NOTICE, fromOsaka.header(), fromOsaka.payloadBytes());

        Exchange owed = deadLetter("UNKNOWN_PERSON", NodeSecurityManager.LOCAL_USER);
        owed.getIn().setHeader(Headers.SENDER_NOTICE, NonDeliveryNotices.OWED);
        owed.setProperty(InboundDelivery.DELIVERED, delivered);
        List<?> sent = onDeadLetter(owed);
        assertThat(sent).hasSize(1);
        assertThat(((Message) sent.get(0)).getHeader(Headers.RECIPIENT)).isEqualTo(OSAKA);
        assertThat(owed.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo(NonDeliveryNotices.TOLD);

        Exchange told = deadLetter("UNKNOWN_PERSON", NodeSecurityManager.LOCAL_USER);
        told.getIn().setHeader(Headers.SENDER_NOTICE, NonDeliveryNotices.TOLD);
        told.setProperty(InboundDelivery.DELIVERED, delivered);
        assertThat(onDeadLetter(told)).isEmpty();
        assertThat(told.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo(NonDeliveryNotices.TOLD);

        Exchange deliveredMeanwhile = deadLetter("REPLAY", NodeSecurityManager.LOCAL_USER);
        deliveredMeanwhile.getIn().setHeader(Headers.SENDER_NOTICE, NonDeliveryNotices.OWED);
        deliveredMeanwhile.setProperty(Exchange.EXCEPTION_CAUGHT, new EnvelopeRejectedException(RejectionReason.REPLAY, "delivered"));
        assertThat(onDeadLetter(deliveredMeanwhile)).isEmpty();
        assertThat(deliveredMeanwhile.getIn().getHeader(Headers.SENDER_NOTICE)).isNull();
    }

    /**
     * A notice about a message its sender was already told of (an expired copy a hostile peer sent after it, its owed
     * notice) is not sent again: its id is in the outbound duplicate cache, and a second send would roll back the
     * dead letter's transaction every time it is redelivered. The dead letter says TOLD.
     */
    @Test
    void a_message_whose_sender_was_told_before_gets_no_second_notice() throws Exception {
        OpenedEnvelope fromOsaka = shinjuku.open(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()));
        Exchange exchange = deadLetter("EXPIRED", OSAKA);
        exchange.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE, fromOsaka.header(), fromOsaka.payloadBytes()));
        SENT_BEFORE.add(MessageIds.answerOf("non-delivery", OSAKA, ID));
        try {
            assertThat(onDeadLetter(exchange)).as("no second notice").isEmpty();
        } finally {
            SENT_BEFORE.clear();
        }
        assertThat(exchange.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo(NonDeliveryNotices.TOLD);
    }

    /** A notice that cannot be made now (here: the sender is not in the directory to seal to) is owed, not dropped. */
    @Test
    void a_notice_that_cannot_be_made_is_owed() throws Exception {
        OpenedEnvelope fromOsaka = shinjuku.open(osaka.seal("TransferInNotice", SHINJUKU, ID, null, notice()));
        EnvelopeHeader h = fromOsaka.header();
        EnvelopeHeader unknown = new EnvelopeHeader(h.messageId(), h.type(), "999997", h.recipient(), h.createdAt(), null);
        Exchange exchange = deadLetter("UNKNOWN_PERSON", "999997");
        exchange.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE, unknown, fromOsaka.payloadBytes()));

        assertThat(onDeadLetter(exchange)).isEmpty();
        assertThat(exchange.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo(NonDeliveryNotices.OWED);
    }

    private static List<?> onDeadLetter(Exchange exchange) throws Exception {
        notices.onDeadLetter(exchange);
        return exchange.getProperty(NonDeliveryNotices.NOTICES, List.class);
    }

    private static EnvelopeRejectedException catchRejection(byte[] envelope) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> shinjuku.open(envelope)).isInstanceOfSatisfying(EnvelopeRejectedException.class, e -> caught[0] = e);
        return (EnvelopeRejectedException) caught[0];
    }

    private static org.w3c.dom.Document notice() throws Exception {
        return shinjuku.parsePayload(Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml")), "TransferInNotice");
    }

    /** A message labelled by DeadLetters on an inbound queue, as the error handler passes it on. */
    private static Exchange deadLetter(String reason, String producer) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(new byte[] {1});
        exchange.getIn().setHeader(Headers.FLOW, "transfer-in");
        exchange.getIn().setHeader(Headers.REJECT_REASON, reason);
        exchange.getIn().setHeader(Headers.DEAD_LETTERED_FROM, "jukibus.inbound.transfer-in");
        exchange.getIn().setHeader(Headers.VALIDATED_USER, producer);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new PermanentFailure(reason, "refused at the recipient"));
        return exchange;
    }
}
