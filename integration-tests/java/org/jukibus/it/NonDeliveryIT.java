package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.management.JMX;

import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.nondelivery.DeliveryStatusMBean;
import org.jukibus.flow.nondelivery.DeliveryStatusOperations;
import org.jukibus.flow.nondelivery.NonDeliveryNotice;
import org.jukibus.flow.nondelivery.SentMessages;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.management.DeadLetterOperations;
import org.jukibus.management.DeadLetterQueue;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Delivery status back to the sender (不達通知) on a running network: Tokyo (13) with Shinjuku and Bunkyo, and
 * Osaka-shi as a third municipality. A message dead-lettered at its recipient comes back to the sender's legacy
 * outbox as a NonDelivery file with the reason code and no personal data, and a replay that succeeds brings the
 * normal receipt; a message dead-lettered at the sender itself gets the same file; a message without a receipt
 * in time gets an overdue report; a notice sealed by a third node about someone else's message is refused.
 */
@Tag("slow")
class NonDeliveryIT {

    @Provisioned({TOKYO_PREF, SHINJUKU, BUNKYO, OSAKA})
    static TestNetwork net;

    @BeforeAll
    static void start() throws Exception {
        // Shinjuku reports a message overdue after 20 s without a receipt (4 h by default)
        net.node(SHINJUKU).properties().put("jukibus.receipts.overdue-after", "20s");
        net.node(SHINJUKU).properties().put("jukibus.receipts.check-interval", "1s");
        net.start(TOKYO_PREF, SHINJUKU, BUNKYO, OSAKA);
    }

    @Test
    void an_unknown_person_at_the_prefecture_comes_back_as_a_non_delivery_file_and_a_replay_brings_the_receipt() throws Exception {
        String resident = "50000000415";
        int before = DeadLetterAssert.count(net, TOKYO_PREF);
        int shinjukuBefore = DeadLetterAssert.count(net, SHINJUKU);

        // Bunkyo's transfer-in notice reaches Shinjuku, whose node confirms it to Tokyo, which has no record of the person
        String confirmationId = MessageIds.answerOf("transfer-out", BUNKYO, notice("ND-1", resident, BUNKYO, SHINJUKU));
        assertThat(DeadLetterAssert.next(net, TOKYO_PREF, before).reason()).isEqualTo("UNKNOWN_PERSON");

        Path report = nonDelivery(SHINJUKU, TOKYO_PREF + "-" + confirmationId + ".xml");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(report));
        assertThat(Files.readString(report, StandardCharsets.UTF_8))
                .contains("<MessageId>" + confirmationId + "</MessageId>").contains("<Flow>transfer-out</Flow>")
                .contains("<Recipient>13</Recipient>").contains("<Status>NOT_DELIVERED</Status>")
                .contains("<ReportedBy>RECIPIENT</ReportedBy>").contains("<ReasonCode>UNKNOWN_PERSON</ReasonCode>")
                .doesNotContain(resident).doesNotContain("住基");
        // the file is written inside the delivery's transaction, which closes the message when it commits (NoticeHandler)
        await().atMost(Duration.ofSeconds(10)).until(() -> state(SHINJUKU, confirmationId, TOKYO_PREF) == SentMessages.State.NOT_DELIVERED);
        // the notice went through the prefecture's outbound queue and was answered by nothing
        assertThat(net.files(TOKYO_PREF, "outbox", "non-delivery")).isEmpty();
        assertThat(DeadLetterAssert.count(net, SHINJUKU)).isEqualTo(shinjukuBefore);

        // the identity record arrives, the operator replays the dead letter: the normal receipt follows
        IdentityRecords.seed(net, TOKYO_PREF, resident, SHINJUKU);
        DeadLetterOperations dlq = JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                DeadLetterQueue.objectName(TOKYO_PREF), DeadLetterOperations.class);
        List<Map<String, Object>> unknown = dlq.list("transfer-out").stream()
                .filter(m -> "UNKNOWN_PERSON".equals(m.get("reason"))).toList();
        assertThat(unknown).hasSize(1);
        assertThat(dlq.replay((String) unknown.get(0).get("id"))).isEqualTo("jukibus.inbound.transfer-out");

        Path receipt = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(TOKYO_PREF + "-" + MessageIds.receiptOf(SHINJUKU, confirmationId) + ".xml");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(receipt));
        assertThat(Files.readString(receipt, StandardCharsets.UTF_8)).contains(confirmationId).contains("DELIVERED");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(SHINJUKU, confirmationId, TOKYO_PREF) == SentMessages.State.DELIVERED);
        assertThat(DeadLetterAssert.count(net, TOKYO_PREF)).isEqualTo(before);
    }

    @Test
    void a_message_dead_lettered_at_the_sender_for_an_unknown_recipient_gets_a_non_delivery_file_there() throws Exception {
        int before = DeadLetterAssert.count(net, SHINJUKU);
        String id = UUID.randomUUID().toString();

        // a recipient that left the directory after the message was queued
        net.put(SHINJUKU, "jukibus.outbound", "<sealed/>".getBytes(StandardCharsets.UTF_8), Map.of(Headers.MESSAGE_ID, id,
                Headers.TYPE, "TransferInNotice", Headers.RECIPIENT, "132012", Headers.ADDRESS, "jukibus.inbound.transfer-in",
                Headers.DUPLICATE_ID, id));

        assertThat(DeadLetterAssert.next(net, SHINJUKU, before).reason()).isEqualTo("UNKNOWN_RECIPIENT");
        Path report = nonDelivery(SHINJUKU, "132012-" + id + ".xml");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(report));
        assertThat(Files.readString(report, StandardCharsets.UTF_8)).contains("<Recipient>132012</Recipient>")
                .contains("<Flow>transfer-in</Flow>").contains("<ReportedBy>SENDER</ReportedBy>")
                .contains("<ReasonCode>UNKNOWN_RECIPIENT</ReasonCode>");
    }

    /**
     * The sender's own NonDelivery file cannot be written (its folder is a file: unwritable even for root): the
     * dead-lettering is rolled back and the message stays on the outbound queue, retried, until the file can be
     * written; then one dead letter and the file, rather than a dead letter whose report was lost.
     */
    @Test
    void an_own_dead_letter_whose_file_cannot_be_written_is_retried_until_it_can() throws Exception {
        int before = DeadLetterAssert.count(net, SHINJUKU);
        Path folder = nonDelivery(SHINJUKU, "x").getParent();
        Path aside = folder.resolveSibling("non-delivery.aside");
        if (Files.exists(folder)) {
            Files.move(folder, aside);
        }
        Files.createDirectories(folder.getParent());
        Files.writeString(folder, "blocks the folder");
        String id = UUID.randomUUID().toString();
        try {
            net.put(SHINJUKU, "jukibus.outbound", "<sealed/>".getBytes(StandardCharsets.UTF_8), Map.of(Headers.MESSAGE_ID, id,
                    Headers.TYPE, "TransferInNotice", Headers.RECIPIENT, "132012", Headers.ADDRESS, "jukibus.inbound.transfer-in",
                    Headers.DUPLICATE_ID, id));
            Thread.sleep(5000); // several attempts (backoff from 0.5 s)
            assertThat(DeadLetterAssert.count(net, SHINJUKU)).as("no dead letter without its report").isEqualTo(before);
        } finally {
            Files.delete(folder);
            if (Files.exists(aside)) {
                Files.move(aside, folder);
            }
        }
        Path report = nonDelivery(SHINJUKU, "132012-" + id + ".xml");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(report));
        assertThat(Files.readString(report, StandardCharsets.UTF_8)).contains("<ReasonCode>UNKNOWN_RECIPIENT</ReasonCode>");
        assertThat(DeadLetterAssert.next(net, SHINJUKU, before).reason()).isEqualTo("UNKNOWN_RECIPIENT");
        assertThat(DeadLetterAssert.count(net, SHINJUKU)).as("one dead letter, not one per attempt").isEqualTo(before + 1);
    }

    @Test
    void a_message_without_a_receipt_is_reported_overdue_and_its_late_receipt_still_closes_it() throws Exception {
        String resident = "50000000423";
        IdentityRecords.seed(net, TOKYO_PREF, resident, BUNKYO); // Bunkyo's confirmation, once it is back, is noted
        net.stop(BUNKYO);
        String noticeId;
        try {
            noticeId = notice("OD-1", resident, SHINJUKU, BUNKYO);
            Path overdue = nonDelivery(SHINJUKU, BUNKYO + "-" + noticeId + "-overdue.xml");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(overdue));
            assertThat(Files.readString(overdue, StandardCharsets.UTF_8)).contains("<Status>OVERDUE</Status>")
                    .contains("<Recipient>" + BUNKYO + "</Recipient>").contains("<Flow>transfer-in</Flow>");
            // the file is written before the mark (a crash between writes the file again), so the mark may follow it
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(state(SHINJUKU, noticeId, BUNKYO)).isEqualTo(SentMessages.State.OVERDUE);
                // the alert: a metric and the DeliveryStatus MBean (the WARN and the operation log entry: DeliveryStatusStoreTest)
                assertThat(net.context(SHINJUKU).getBean(MeterRegistry.class).find("jukibus.flow.overdue").tag("flow", "transfer-in")
                        .counter().count()).isGreaterThanOrEqualTo(1);
                assertThat(JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(), DeliveryStatusMBean.objectName(SHINJUKU),
                        DeliveryStatusOperations.class).getOverdueMessages()).isGreaterThanOrEqualTo(1);
            });
        } finally {
            net.start(BUNKYO);
        }
        Path receipt = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(BUNKYO + "-" + MessageIds.receiptOf(SHINJUKU, noticeId) + ".xml");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(receipt));
        await().atMost(Duration.ofSeconds(10)).until(() -> state(SHINJUKU, noticeId, BUNKYO) == SentMessages.State.DELIVERED);
        assertThat(nonDelivery(SHINJUKU, BUNKYO + "-" + noticeId + ".xml")).doesNotExist();
    }

    @Test
    void a_notice_sealed_by_a_third_node_about_another_nodes_message_is_refused_and_writes_nothing() throws Exception {
        String resident = "50000000431";
        IdentityRecords.seed(net, TOKYO_PREF, resident, SHINJUKU);
        String noticeId = notice("HN-1", resident, BUNKYO, SHINJUKU);
        String confirmationId = MessageIds.answerOf("transfer-out", BUNKYO, noticeId); // Shinjuku → Tokyo
        await().atMost(Duration.ofSeconds(60)).until(() -> state(SHINJUKU, confirmationId, TOKYO_PREF) == SentMessages.State.DELIVERED);
        int before = DeadLetterAssert.count(net, SHINJUKU);

        // Osaka-shi holds a valid certificate and claims Shinjuku's confirmation never arrived
        String id = UUID.randomUUID().toString();
        NonDeliveryNotice lie = new NonDeliveryNotice(confirmationId, "transfer-out", OSAKA, "UNKNOWN_PERSON", null,
                "2026-11-21T00:00:00Z");
        byte[] sealed = net.context(OSAKA).getBean(NodeEnvelopes.class).seal(NonDeliveryNotice.TYPE, SHINJUKU, id,
                confirmationId, SecureXml.parse(new XmlMapper().writeValueAsBytes(lie)));
        net.put(OSAKA, "jukibus.outbound", sealed, Map.of(Headers.MESSAGE_ID, id, Headers.TYPE, NonDeliveryNotice.TYPE,
                Headers.RECIPIENT, SHINJUKU, Headers.ADDRESS, "jukibus.inbound.non-delivery", Headers.DUPLICATE_ID, id));

        DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, SHINJUKU, before);
        assertThat(dead.reason()).isEqualTo("UNSOLICITED");
        assertThat(dead.flow()).isEqualTo("non-delivery");
        assertThat(net.files(SHINJUKU, "outbox", "non-delivery")).as("no report of it, under any recipient")
                .noneMatch(f -> f.getFileName().toString().contains(confirmationId));
        assertThat(state(SHINJUKU, confirmationId, TOKYO_PREF)).isEqualTo(SentMessages.State.DELIVERED);
        // and the refused notice is not answered with a notice of its own
        assertThat(net.files(OSAKA, "outbox", "non-delivery")).isEmpty();
    }

    /** Drops a transfer-in notice at the new municipality; returns its envelope id. */
    private static String notice(String noticeId, String residentCode, String newMunicipality, String oldMunicipality)
            throws Exception {
        byte[] notice = Notices.transferIn(noticeId, residentCode, newMunicipality, oldMunicipality);
        net.drop(newMunicipality, "transfer-in", noticeId + ".xml", notice);
        return MessageIds.forInput(newMunicipality, notice);
    }

    private static Path nonDelivery(String code, String name) {
        return net.node(code).legacyRoot().resolve("outbox").resolve("non-delivery").resolve(name);
    }

    private static SentMessages.State state(String code, String messageId, String recipient) {
        return net.context(code).getBean(SentMessages.class).find(messageId, recipient).map(SentMessages.Sent::state).orElse(null);
    }
}
