package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Answers;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandlers;
import org.jukibus.flow.Flows;
import org.jukibus.flow.Headers;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.PeerForwarder;
import org.jukibus.flow.SentPayloads;
import org.jukibus.flow.transferin.TransferInFlow;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hold path of {@link Answers#seal} (review L5): an answer to a delivered message that cannot be sealed does not
 * fail the delivery and is not lost. The receipt case: Osaka-shi's transfer-in notice is delivered at Shinjuku, and
 * Osaka-shi's certificate was revoked in between (the CRL in force lists it). The receipt is held, marked
 * RECIPIENT_REVOKED, without an envelope, its payload kept; a receipt is untracked, so its dead letter makes no
 * NonDelivery file in Shinjuku's legacy outbox (NonDeliveryNotices reports only tracked flows).
 */
class HeldAnswerTest {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void a_receipt_to_a_sender_revoked_in_between_is_held_as_recipient_revoked_and_the_delivery_not_failed() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test root",
                CertificateAuthority.DEFAULT_CA_VALIDITY, "pw".toCharArray(), Clock.fixed(NOW.minus(Duration.ofDays(1)), ZoneOffset.UTC));
        KeyMaterial shinjukuKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        KeyMaterial osakaKeys = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, OSAKA, "大阪市"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        NodeDirectory directory = new NodeDirectory(1, NOW, List.of(
                new NodeEntry(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13", new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2), shinjukuKeys.certificate()),
                new NodeEntry(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27", new Endpoint("127.0.0.1", 3), new Endpoint("127.0.0.1", 4), osakaKeys.certificate())));
        var crl = ca.revoke(osakaKeys.certificate().getSerialNumber());
        NodeEnvelopes shinjuku = new NodeEnvelopes(SHINJUKU, shinjukuKeys, directory, () -> crl, new NodeProperties.Envelope(), clock);
        SentPayloads payloads = new SentPayloads(TestStores.fresh(NodeRole.MUNICIPAL), clock, Duration.ofDays(30), Duration.ofDays(14));
        List<Answer> recorded = new ArrayList<>();
        List<byte[]> envelopes = new ArrayList<>();
        Answers answers = new Answers(new FlowHandlers(List.of()), shinjuku, (answer, envelope) -> {
            recorded.add(answer);
            envelopes.add(envelope);
        }, (delivered, digest) -> false, clock).holdingUnsealable(payloads);
        String noticeId = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d21";
        EnvelopeHeader header = new EnvelopeHeader(noticeId, "TransferInNotice", OSAKA, SHINJUKU, NOW.minusSeconds(60), null);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE, header, new byte[] {1}));
        exchange.setProperty(InboundDelivery.ENVELOPE_DIGEST, "ab".repeat(32));

        answers.seal(exchange); // does not throw: the delivery of the notice stands

        List<?> out = exchange.getIn().getBody(List.class);
        assertThat(out).hasSize(1);
        Message held = (Message) out.get(0);
        String receiptId = MessageIds.receiptOf(OSAKA, noticeId);
        assertThat(held.getHeader(Headers.NOT_SEALED)).isEqualTo(PeerForwarder.RECIPIENT_REVOKED);
        assertThat(held.getHeader(Headers.MESSAGE_ID)).isEqualTo(receiptId);
        assertThat(held.getHeader(Headers.RECIPIENT)).isEqualTo(OSAKA);
        assertThat(held.getHeader(Headers.DUPLICATE_ID)).as("a redelivery's copy is dropped by the broker").isEqualTo(receiptId);
        assertThat(held.getBody(byte[].class)).as("nothing sealed to a revoked key").isEmpty();
        assertThat(payloads.find(receiptId)).as("kept for a resend").hasValueSatisfying(k -> assertThat(k.recipient()).isEqualTo(OSAKA));
        assertThat(recorded).extracting(Answer::messageId).containsExactly(receiptId);
        assertThat(envelopes).containsExactly((byte[]) null);
        assertThat(NonDeliveryFlow.tracked(Flows.RECEIPT.name())).as("its dead letter makes no NonDelivery file").isFalse();
    }
}
