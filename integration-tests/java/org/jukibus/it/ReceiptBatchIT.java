package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jukibus.broker.BrokerStats;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.ResidentCode;
import org.jukibus.flow.nondelivery.ReceiptBatch;
import org.jukibus.flow.nondelivery.SentMessages;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receipts in batches (issue 19): many notices from Shinjuku-ku to Osaka-shi come back as fewer signed receipt
 * batches, and every notice is still reconciled at Shinjuku (DELIVERED, a receipt file per notice as before). A
 * hostile peer with a valid certificate cannot acknowledge a message sent to another node. Chiyoda-ku is provisioned
 * but never started: Shinjuku's message to it stays open.
 */
class ReceiptBatchIT {

    static final int NOTICES = 30;
    static final String BATCHES = "jukibus.inbound.receipt-batch";

    @Provisioned({TOKYO_PREF, OSAKA_PREF, SHINJUKU, OSAKA, CHIYODA})
    static TestNetwork net;

    @BeforeAll
    static void start() {
        // long enough that, even on a loaded machine, a batch carries several receipts
        net.node(OSAKA).properties().put("jukibus.receipts.batch.interval", "3s");
        net.start(TOKYO_PREF, OSAKA_PREF, SHINJUKU, OSAKA);
    }

    @Test
    void many_notices_come_back_as_fewer_receipts_and_every_one_is_reconciled() throws Exception {
        long batchesBefore = BrokerStats.messagesReceived(net.broker(SHINJUKU), BATCHES);
        for (int i = 0; i < NOTICES; i++) {
            String residentCode = ResidentCode.of(4200000000L + i);
            IdentityRecords.seed(net, OSAKA_PREF, residentCode, OSAKA);
            net.drop(SHINJUKU, "transfer-in", "RB-" + i + ".xml", Notices.transferIn("RB-" + i, residentCode, SHINJUKU, OSAKA));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> net.deliveredIds(OSAKA, "transfer-in").size() == NOTICES);
        List<String> ids = net.deliveredIds(OSAKA, "transfer-in");
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> state(id, OSAKA) == SentMessages.State.DELIVERED));

        for (String id : ids) {
            Path file = receiptFile(id, OSAKA);
            assertThat(file).exists();
            byte[] receipt = Files.readAllBytes(file);
            Schemas.validate("receipt.xsd", SecureXml.parse(receipt));
            assertThat(new String(receipt, StandardCharsets.UTF_8)).contains(id, "<Recipient>" + OSAKA + "</Recipient>",
                    "<Status>DELIVERED</Status>", "<EnvelopeDigest>");
        }
        long batches = BrokerStats.messagesReceived(net.broker(SHINJUKU), BATCHES) - batchesBefore;
        assertThat(batches).as("receipt batches for %d notices", NOTICES).isBetween(1L, NOTICES - 1L);
        assertThat(BrokerStats.messagesReceived(net.broker(SHINJUKU), "jukibus.inbound.receipt")).as("single receipts").isZero();
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
        assertThat(net.browse(OSAKA, "jukibus.dlq")).isEmpty();
    }

    @Test
    void a_peer_cannot_acknowledge_a_message_sent_to_another_node() throws Exception {
        byte[] notice = Notices.transferIn("RB-H", ResidentCode.of(4200001000L), SHINJUKU, CHIYODA);
        String toChiyoda = MessageIds.forInput(SHINJUKU, notice);
        net.drop(SHINJUKU, "transfer-in", "RB-H.xml", notice);
        await().atMost(Duration.ofSeconds(60)).until(() -> state(toChiyoda, CHIYODA) == SentMessages.State.PENDING);
        String digest = net.context(SHINJUKU).getBean(SentMessages.class).envelopeDigest(toChiyoda, CHIYODA).orElseThrow();
        long before = BrokerStats.messagesReceived(net.broker(SHINJUKU), BATCHES);
        int deadBefore = DeadLetterAssert.count(net, SHINJUKU);

        // Osaka-shi holds a valid certificate and acknowledges Shinjuku's message to Chiyoda (even with its digest)
        // and one never sent, in a batch signed as itself
        sendBatchAsOsaka(new ReceiptBatch(OSAKA, List.of(
                new ReceiptBatch.Received(toChiyoda, "2026-11-21T00:00:00Z", digest),
                new ReceiptBatch.Received(UUID.randomUUID().toString(), "2026-11-21T00:00:00Z", digest))));
        await().atMost(Duration.ofSeconds(60)).until(() -> BrokerStats.messagesReceived(net.broker(SHINJUKU), BATCHES) == before + 1
                && BrokerStats.depth(net.broker(SHINJUKU), BATCHES) == 0);
        assertThat(DeadLetterAssert.count(net, SHINJUKU)).as("a batch of ignored entries is no dead letter").isEqualTo(deadBefore);

        // and in a batch that claims to come from Chiyoda
        sendBatchAsOsaka(new ReceiptBatch(CHIYODA, List.of(new ReceiptBatch.Received(toChiyoda, "2026-11-21T00:00:00Z", digest))));
        assertThat(DeadLetterAssert.next(net, SHINJUKU, deadBefore).reason()).isEqualTo("PARTY_MISMATCH");

        assertThat(state(toChiyoda, CHIYODA)).isEqualTo(SentMessages.State.PENDING);
        assertThat(receiptFile(toChiyoda, CHIYODA)).doesNotExist();
        assertThat(receiptFile(toChiyoda, OSAKA)).doesNotExist();
    }

    private static void sendBatchAsOsaka(ReceiptBatch batch) throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] sealed = net.context(OSAKA).getBean(NodeEnvelopes.class).seal(ReceiptBatch.TYPE, SHINJUKU, id, null,
                Payloads.document(batch));
        net.put(OSAKA, "jukibus.outbound", sealed, Map.of(Headers.MESSAGE_ID, id, Headers.TYPE, ReceiptBatch.TYPE,
                Headers.RECIPIENT, SHINJUKU, Headers.ADDRESS, BATCHES, Headers.DUPLICATE_ID, id));
    }

    private static Path receiptFile(String messageId, String from) {
        return net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(from + "-" + MessageIds.receiptOf(SHINJUKU, messageId) + ".xml");
    }

    private static SentMessages.State state(String messageId, String recipient) {
        return net.context(SHINJUKU).getBean(SentMessages.class).find(messageId, recipient).map(SentMessages.Sent::state).orElse(null);
    }
}
