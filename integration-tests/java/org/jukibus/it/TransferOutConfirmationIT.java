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

import javax.management.JMX;

import org.jukibus.broker.BrokerStats;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.transferout.TransferOutAnnotations;
import org.jukibus.flow.transferout.TransferOutConfirmation;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.management.DeadLetterOperations;
import org.jukibus.management.DeadLetterQueue;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * 転出確定通知 (transfer-out confirmation, 第6の3) across a network of two prefectures: Tokyo (13) with
 * Shinjuku and Bunkyo, Osaka (27) with Osaka-shi. The old municipality's node confirms every
 * transfer-in notice it delivers to its own prefecture, which notes it against the person's identity
 * record (and only there), once, and sends a receipt back; a person the prefecture does not know
 * waits in its dead-letter queue until the identity record has arrived and the dead letter is
 * replayed; confirmations from another prefecture's municipality and bad legacy input are refused.
 *
 * <p>Identity records are seeded through the prefecture node's DataSource: the identity-info flow
 * (本人確認情報, 第6の6, issue #4) will bring them.
 */
class TransferOutConfirmationIT {

    @Provisioned(value = {TOKYO_PREF, OSAKA_PREF, SHINJUKU, BUNKYO, OSAKA}, started = {TOKYO_PREF, OSAKA_PREF, SHINJUKU, BUNKYO, OSAKA})
    static TestNetwork net;

    @Test
    void transfer_in_notices_are_noted_at_the_old_municipalitys_prefecture_only_with_a_receipt_back() throws Exception {
        IdentityRecords.seed(net, TOKYO_PREF, "50000000008", SHINJUKU);  // moves Shinjuku → Bunkyo (within Tokyo)
        IdentityRecords.seed(net, TOKYO_PREF, "50000000040", BUNKYO);    // moves Bunkyo → Osaka-shi
        IdentityRecords.seed(net, OSAKA_PREF, "50000000059", OSAKA);     // moves Osaka-shi → Shinjuku
        int tokyoBefore = IdentityRecords.annotationCount(net, TOKYO_PREF);
        int osakaBefore = IdentityRecords.annotationCount(net, OSAKA_PREF);

        String toBunkyo = notice("T-1", "50000000008", BUNKYO, SHINJUKU);
        String toOsaka = notice("T-2", "50000000040", OSAKA, BUNKYO);
        String toShinjuku = notice("T-3", "50000000059", SHINJUKU, OSAKA);

        assertNoted(TOKYO_PREF, "50000000008", SHINJUKU, BUNKYO, toBunkyo);
        assertNoted(TOKYO_PREF, "50000000040", BUNKYO, OSAKA, toOsaka);
        assertNoted(OSAKA_PREF, "50000000059", OSAKA, SHINJUKU, toShinjuku);
        assertReceipt(SHINJUKU, BUNKYO, TOKYO_PREF, toBunkyo);
        assertReceipt(BUNKYO, OSAKA, TOKYO_PREF, toOsaka);
        assertReceipt(OSAKA, SHINJUKU, OSAKA_PREF, toShinjuku);

        // the other prefecture noted nothing, though Osaka-shi's resident moved into Tokyo and Bunkyo's into Osaka
        assertThat(IdentityRecords.annotations(net, OSAKA_PREF, "50000000040")).isEmpty();
        assertThat(IdentityRecords.annotations(net, TOKYO_PREF, "50000000059")).isEmpty();
        assertThat(IdentityRecords.annotationCount(net, TOKYO_PREF)).isEqualTo(tokyoBefore + 2);
        assertThat(IdentityRecords.annotationCount(net, OSAKA_PREF)).isEqualTo(osakaBefore + 1);
        for (String prefecture : List.of(TOKYO_PREF, OSAKA_PREF)) {
            assertThat(net.browse(prefecture, "jukibus.dlq")).as("dead letters at %s", prefecture).isEmpty();
            assertThat(net.broker(prefecture).locateQueue("jukibus.inbound.transfer-in")).isNull();
            // the confirmation names the notice only inside its encrypted payload, never in a cleartext header
            assertThat(net.journalContains(prefecture, toBunkyo)).isFalse();
        }
        assertThat(net.journalContains(TOKYO_PREF, MessageIds.answerOf("transfer-out", BUNKYO, toBunkyo)))
                .as("positive control: the confirmation's id is there").isTrue();
    }

    @Test
    void a_confirmation_waiting_for_a_stopped_prefecture_is_noted_once_and_a_forced_copy_adds_nothing() throws Exception {
        String resident = "50000000016";
        IdentityRecords.seed(net, TOKYO_PREF, resident, SHINJUKU);
        net.stop(TOKYO_PREF);
        String noticeId;
        try {
            noticeId = notice("R-1", resident, BUNKYO, SHINJUKU);
            await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "outbox", "transfer-in").stream()
                    .anyMatch(f -> f.getFileName().toString().contains(noticeId)));
            await().atMost(Duration.ofSeconds(20)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) >= 1);
        } finally {
            net.start(TOKYO_PREF);
        }
        assertNoted(TOKYO_PREF, resident, SHINJUKU, BUNKYO, noticeId);
        assertReceipt(SHINJUKU, BUNKYO, TOKYO_PREF, noticeId);
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) == 0);

        // a second envelope with the same message id, sealed again by Shinjuku and put straight on the prefecture's
        // inbound queue (its broker would drop a copy arriving over the link as a duplicate): refused as a replay,
        // nothing noted twice
        String confirmationId = MessageIds.answerOf("transfer-out", BUNKYO, noticeId);
        int dlqBefore = DeadLetterAssert.count(net, TOKYO_PREF);
        TransferOutConfirmation copy = new TransferOutConfirmation(resident, "住基 太郎", "1980-01-15", "新住所 一丁目1番1号",
                "2026-11-20", SHINJUKU, BUNKYO, TOKYO_PREF, noticeId, "2026-11-21T00:00:00Z");
        net.put(TOKYO_PREF, "jukibus.inbound.transfer-out", seal(SHINJUKU, TOKYO_PREF, confirmationId, copy));
        assertThat(DeadLetterAssert.next(net, TOKYO_PREF, dlqBefore).reason()).isEqualTo("REPLAY");
        assertThat(IdentityRecords.annotations(net, TOKYO_PREF, resident)).hasSize(1);

        // and had the prefecture crashed after its store committed but before the broker did, the second delivery
        // would find the note there: recorded once
        TransferOutAnnotations store = net.context(TOKYO_PREF).getBean(TransferOutAnnotations.class);
        assertThat(store.record(copy, confirmationId, java.time.Instant.now()))
                .isEqualTo(TransferOutAnnotations.Outcome.ALREADY_RECORDED);
        assertThat(IdentityRecords.annotations(net, TOKYO_PREF, resident)).hasSize(1);
    }

    @Test
    void an_unknown_person_waits_in_the_dead_letter_queue_and_is_noted_after_the_identity_record_and_a_replay() throws Exception {
        String resident = "50000000024";
        int before = DeadLetterAssert.count(net, TOKYO_PREF);

        String noticeId = notice("U-1", resident, BUNKYO, SHINJUKU);

        DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, TOKYO_PREF, before);
        assertThat(dead.reason()).isEqualTo("UNKNOWN_PERSON");
        assertThat(dead.flow()).isEqualTo("transfer-out");
        assertThat(dead.detail()).contains(MessageIds.answerOf("transfer-out", BUNKYO, noticeId)).doesNotContain(resident);
        assertThat(IdentityRecords.annotations(net, TOKYO_PREF, resident)).isEmpty();
        assertThat(receipt(SHINJUKU, BUNKYO, TOKYO_PREF, noticeId)).doesNotExist();

        IdentityRecords.seed(net, TOKYO_PREF, resident, SHINJUKU); // the identity record arrives (issue #4's flow)
        DeadLetterOperations dlq = JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                DeadLetterQueue.objectName(TOKYO_PREF), DeadLetterOperations.class);
        List<Map<String, Object>> unknown = dlq.list("transfer-out").stream()
                .filter(m -> "UNKNOWN_PERSON".equals(m.get("reason"))).toList();
        assertThat(unknown).hasSize(1);
        assertThat(dlq.replay((String) unknown.get(0).get("id"))).isEqualTo("jukibus.inbound.transfer-out");

        assertNoted(TOKYO_PREF, resident, SHINJUKU, BUNKYO, noticeId);
        assertReceipt(SHINJUKU, BUNKYO, TOKYO_PREF, noticeId);
        assertThat(DeadLetterAssert.count(net, TOKYO_PREF)).isEqualTo(before);
    }

    /**
     * A directory error in the field: Shinjuku's directory lost its prefecture node. The transfer-in notice is still
     * delivered; its confirmation is not lost but dead-lettered at Shinjuku as UNKNOWN_RECIPIENT with its payload kept,
     * and Shinjuku's legacy system gets a NonDelivery file. Once the directory lists the prefecture again,
     * {@code jukibus dlq resend} seals and sends it, and the prefecture notes it.
     */
    @Test
    void a_confirmation_to_a_prefecture_the_directory_lost_is_kept_reported_and_resent_once_the_directory_is_fixed()
            throws Exception {
        String resident = org.jukibus.flow.ResidentCode.of("5000000007");
        IdentityRecords.seed(net, TOKYO_PREF, resident, SHINJUKU);
        org.jukibus.directory.NetworkTrust trust = net.context(SHINJUKU).getBean(org.jukibus.directory.NetworkTrust.class);
        java.time.Clock clock = net.context(SHINJUKU).getBean(java.time.Clock.class);
        org.jukibus.directory.NodeDirectory provisioned = trust.directory();
        long serial = provisioned.serial();
        trust.offer(TrustOperator.signedDirectory(net, serial + 1,
                provisioned.all().stream().filter(e -> !e.code().equals(TOKYO_PREF)).toList(), clock));
        boolean fixed = false;
        try {
            int before = DeadLetterAssert.count(net, SHINJUKU);
            String noticeId = notice("L-1", resident, BUNKYO, SHINJUKU);
            String confirmationId = MessageIds.answerOf("transfer-out", BUNKYO, noticeId);

            DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, SHINJUKU, before);
            assertThat(dead.reason()).isEqualTo("UNKNOWN_RECIPIENT");
            assertThat(dead.flow()).isEqualTo("transfer-out");
            assertThat(dead.detail()).contains(confirmationId).contains("directory lists no node " + TOKYO_PREF)
                    .contains("jukibus dlq resend").doesNotContain(resident);
            assertThat(net.files(SHINJUKU, "outbox", "transfer-in")).as("the notice itself is delivered")
                    .anyMatch(f -> f.getFileName().toString().contains(noticeId));
            Path report = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("non-delivery").resolve(TOKYO_PREF + "-" + confirmationId + ".xml");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(report));
            assertThat(Files.readString(report, StandardCharsets.UTF_8)).contains("<Status>NOT_DELIVERED</Status>")
                    .contains("<ReportedBy>SENDER</ReportedBy>").contains("<ReasonCode>UNKNOWN_RECIPIENT</ReasonCode>")
                    .contains("<Recipient>" + TOKYO_PREF + "</Recipient>");
            assertThat(IdentityRecords.annotations(net, TOKYO_PREF, resident)).isEmpty();
            assertThat(net.journalContains(SHINJUKU, resident)).as("nothing readable on the broker").isFalse();

            trust.offer(TrustOperator.signedDirectory(net, serial + 2, provisioned.all(), clock)); // the directory fixed
            fixed = true;
            DeadLetterOperations dlq = JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                    DeadLetterQueue.objectName(SHINJUKU), DeadLetterOperations.class);
            List<Map<String, Object>> held = dlq.list("transfer-out").stream()
                    .filter(m -> confirmationId.equals(m.get("messageId"))).toList();
            assertThat(held).hasSize(1);
            String resent = dlq.resend((String) held.get(0).get("id"));
            String freshId = resent.replaceAll("^.* as ([0-9a-f-]+) for .*$", "$1");

            await().atMost(Duration.ofSeconds(90)).until(() -> !IdentityRecords.annotations(net, TOKYO_PREF, resident).isEmpty());
            Map<String, Object> note = IdentityRecords.annotations(net, TOKYO_PREF, resident).get(0);
            assertThat(note.get("transfer_in_message_id")).isEqualTo(noticeId);
            assertThat(note.get("confirmation_message_id")).isEqualTo(freshId);
            Path receipt = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("receipt")
                    .resolve(TOKYO_PREF + "-" + MessageIds.receiptOf(SHINJUKU, freshId) + ".xml");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(receipt));
            assertThat(DeadLetterAssert.count(net, SHINJUKU)).isEqualTo(before);
        } finally {
            if (!fixed) {
                trust.offer(TrustOperator.signedDirectory(net, serial + 2, provisioned.all(), clock));
            }
        }
    }

    @Test
    void a_confirmation_from_a_municipality_of_another_prefecture_is_refused() throws Exception {
        String resident = "50000000032";
        IdentityRecords.seed(net, TOKYO_PREF, resident, SHINJUKU);
        int before = DeadLetterAssert.count(net, TOKYO_PREF);
        // Osaka-shi's own intake would refuse to address Tokyo; a misbehaving node seals it all the same
        TransferOutConfirmation c = new TransferOutConfirmation(resident, "住基 太郎", "1980-01-15", "新住所 一丁目1番1号",
                "2026-11-20", OSAKA, SHINJUKU, TOKYO_PREF, null, "2026-11-21T00:00:00Z");
        String id = java.util.UUID.randomUUID().toString();

        net.put(OSAKA, "jukibus.outbound", seal(OSAKA, TOKYO_PREF, id, c), Map.of(Headers.MESSAGE_ID, id,
                Headers.TYPE, TransferOutConfirmation.TYPE, Headers.RECIPIENT, TOKYO_PREF,
                Headers.ADDRESS, "jukibus.inbound.transfer-out", Headers.DUPLICATE_ID, id));

        DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, TOKYO_PREF, before);
        assertThat(dead.reason()).isEqualTo("WRONG_PREFECTURE");
        assertThat(dead.detail()).contains(OSAKA).contains("prefecture 27");
        assertThat(IdentityRecords.annotations(net, TOKYO_PREF, resident)).isEmpty();
    }

    @Test
    void a_confirmation_the_legacy_system_drops_is_noted_with_a_receipt() throws Exception {
        IdentityRecords.seed(net, TOKYO_PREF, SAMPLE_RESIDENT, SHINJUKU);
        byte[] sample = Files.readAllBytes(Path.of("docs/samples/transfer-out-confirmation.xml"));

        net.drop(SHINJUKU, "transfer-out", "by-hand.xml", sample);

        String id = MessageIds.forInput(SHINJUKU, sample);
        await().atMost(Duration.ofSeconds(60)).until(() -> !IdentityRecords.annotations(net, TOKYO_PREF, SAMPLE_RESIDENT).isEmpty());
        Map<String, Object> note = IdentityRecords.annotations(net, TOKYO_PREF, SAMPLE_RESIDENT).get(0);
        assertThat(note.get("confirmation_message_id")).isEqualTo(id);
        assertThat(note.get("transfer_in_message_id")).isNull();
        assertThat(note.get("new_municipality")).isEqualTo(BUNKYO);
        Path receipt = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(TOKYO_PREF + "-" + MessageIds.receiptOf(SHINJUKU, id) + ".xml");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(receipt));
        assertThat(net.files(SHINJUKU, "sent", "transfer-out")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing-birth-date   | <BirthDate>1985-04-01</BirthDate>         | ''                                        | BirthDate",
            "bad-prefecture-code  | <Prefecture>13</Prefecture>               | <Prefecture>99</Prefecture>               | Prefecture",
            "absent-prefecture    | <Prefecture>13</Prefecture>               | <Prefecture>14</Prefecture>               | Prefecture 14 is not in the node directory",
            "other-prefecture     | <Prefecture>13</Prefecture>               | <Prefecture>27</Prefecture>               | Prefecture 27 is not this node's prefecture (13)",
            "other-old-muni       | <OldMunicipality>131041</OldMunicipality> | <OldMunicipality>131059</OldMunicipality> | OldMunicipality is 131059 but this node is 131041",
            "no-move              | <NewMunicipality>131059</NewMunicipality> | <NewMunicipality>131041</NewMunicipality> | is this municipality",
            "bad-check-digit      | <NewMunicipality>131059</NewMunicipality> | <NewMunicipality>131058</NewMunicipality> | NewMunicipality 131058 is not a local government code",
    })
    void bad_legacy_input_is_moved_to_the_error_folder_with_a_report(String name, String from, String to, String problem)
            throws Exception {
        String sample = Files.readString(Path.of("docs/samples/transfer-out-confirmation.xml"), StandardCharsets.UTF_8);
        assertThat(sample).contains(from);
        byte[] content = sample.replace(from, to).getBytes(StandardCharsets.UTF_8);
        String file = name + ".xml";

        net.drop(SHINJUKU, "transfer-out", file, content);

        Path error = net.node(SHINJUKU).legacyRoot().resolve("error").resolve("transfer-out");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(error.resolve(file + ".error")));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(error.resolve(file)));
        assertThat(error.resolve(file)).hasBinaryContent(content);
        assertThat(Files.readString(error.resolve(file + ".error"), StandardCharsets.UTF_8))
                .contains("file: " + file).contains(problem);
        assertThat(net.files(SHINJUKU, "inbox", "transfer-out")).isEmpty();
    }

    /** Drops a transfer-in notice at the new municipality; returns its envelope id. */
    private static String notice(String noticeId, String residentCode, String newMunicipality, String oldMunicipality)
            throws Exception {
        byte[] notice = Notices.transferIn(noticeId, residentCode, newMunicipality, oldMunicipality);
        net.drop(newMunicipality, "transfer-in", noticeId + ".xml", notice);
        return MessageIds.forInput(newMunicipality, notice);
    }

    private static void assertNoted(String prefecture, String residentCode, String oldMunicipality, String newMunicipality,
                                    String noticeId) {
        await().atMost(Duration.ofSeconds(90)).until(() -> !IdentityRecords.annotations(net, prefecture, residentCode).isEmpty());
        List<Map<String, Object>> notes = IdentityRecords.annotations(net, prefecture, residentCode);
        assertThat(notes).as("notes about %s at %s", residentCode, prefecture).hasSize(1);
        Map<String, Object> note = notes.get(0);
        assertThat(note.get("old_municipality")).isEqualTo(oldMunicipality);
        assertThat(note.get("new_municipality")).isEqualTo(newMunicipality);
        assertThat(note.get("record_municipality")).isEqualTo(oldMunicipality);
        assertThat(note.get("transfer_in_date")).hasToString("2026-11-20");
        assertThat(note.get("new_address")).isEqualTo("新住所 一丁目1番1号");
        assertThat(note.get("transfer_in_message_id")).isEqualTo(noticeId);
        assertThat(note.get("confirmation_message_id")).isEqualTo(MessageIds.answerOf("transfer-out", newMunicipality, noticeId));
    }

    private static void assertReceipt(String oldMunicipality, String newMunicipality, String prefecture, String noticeId)
            throws Exception {
        Path receipt = receipt(oldMunicipality, newMunicipality, prefecture, noticeId);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(receipt));
        assertThat(Files.readString(receipt, StandardCharsets.UTF_8))
                .contains(MessageIds.answerOf("transfer-out", newMunicipality, noticeId)).contains(">" + prefecture + "<");
    }

    /** The prefecture's receipt for the confirmation of a notice, in the old municipality's legacy outbox. */
    private static Path receipt(String oldMunicipality, String newMunicipality, String prefecture, String noticeId) {
        String confirmationId = MessageIds.answerOf("transfer-out", newMunicipality, noticeId);
        return net.node(oldMunicipality).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(prefecture + "-" + MessageIds.receiptOf(oldMunicipality, confirmationId) + ".xml");
    }

    /** A confirmation sealed with {@code from}'s own keys for {@code to}, past {@code from}'s intake checks. */
    private static byte[] seal(String from, String to, String messageId, TransferOutConfirmation c) throws Exception {
        return net.context(from).getBean(NodeEnvelopes.class).seal(TransferOutConfirmation.TYPE, to, messageId, null,
                SecureXml.parse(new XmlMapper().writeValueAsBytes(c)));
    }
}
