package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.JMX;

import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.ResidentCode;
import org.jukibus.flow.identity.ChangeReason;
import org.jukibus.flow.identity.IdentityFlow;
import org.jukibus.flow.identity.IdentityJobs;
import org.jukibus.flow.identity.IdentityOperations;
import org.jukibus.flow.identity.IdentityRecord;
import org.jukibus.flow.identity.IdentityRecorder;
import org.jukibus.flow.identity.IdentityUpdate;
import org.jukibus.flow.identity.UpdateCountList;
import org.jukibus.envelope.NodeEnvelopes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 本人確認情報の通知及び記録 (identity updates, 第6の6) and 消去 (erasure, 第6の7) across central, Tokyo (13) with
 * Chiyoda and Shinjuku, and Osaka (27) with Osaka-shi. Legacy batches (split into messages of at most
 * 2 records here) are recorded at the municipality, its prefecture and central; update-count lists
 * come back and reconcile; a record the prefecture refuses and a list missing at the cut-off raise
 * alerts at the sender; a copy of an update records nothing twice; records survive restarts; erasure
 * "as of" a later time removes exactly the expired rows.
 */
// order is inherent: reconciliation and erasure count the prefectures' records the earlier tests recorded
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityUpdateIT {

    static final String FLOW = IdentityFlow.UPDATE_NAME;
    static final String REPORTS = IdentityFlow.RECONCILIATION_FOLDER;

    @Provisioned({TOKYO_PREF, OSAKA_PREF, CHIYODA, SHINJUKU, OSAKA})
    static TestNetwork net;

    @BeforeAll
    static void start() throws Exception {
        // Tokyo's municipalities split batches into messages of 2 records; Osaka-shi keeps the default (1000)
        for (String municipality : List.of(CHIYODA, SHINJUKU)) {
            net.node(municipality).properties().put("jukibus.identity.batch-size", "2");
        }
        net.start(CENTRAL, TOKYO_PREF, OSAKA_PREF, CHIYODA, SHINJUKU, OSAKA);
    }

    @Test
    @Order(1)
    void batches_from_several_municipalities_are_recorded_everywhere_and_reconcile() throws Exception {
        // Chiyoda: 3 records, sent as 2 messages; Shinjuku: a birth and a name change of the same person in one batch
        byte[] chiyoda = batch(CHIYODA, TOKYO_PREF,
                record(RESIDENT, ChangeReason.TRANSFER_IN, "2026-11-20", CHIYODA),
                record("70000000076", ChangeReason.BIRTH, "2026-11-19", CHIYODA),
                record("70000000084", ChangeReason.DEATH, "2026-11-18", CHIYODA));
        byte[] shinjuku = batch(SHINJUKU, TOKYO_PREF,
                record("70000000017", ChangeReason.BIRTH, "2026-11-01", SHINJUKU),
                record("70000000017", ChangeReason.NAME_CHANGE, "2026-11-15", SHINJUKU));
        byte[] osaka = batch(OSAKA, OSAKA_PREF, record("70000000025", ChangeReason.ADDRESS_CHANGE, "2026-11-20", OSAKA));

        net.drop(CHIYODA, FLOW, "batch-1.xml", chiyoda);
        net.drop(SHINJUKU, FLOW, "batch-1.xml", shinjuku);
        net.drop(OSAKA, FLOW, "batch-1.xml", osaka);

        String chiyodaId = MessageIds.forInput(CHIYODA, chiyoda);
        List<String> chiyodaParts = List.of(MessageIds.partOf(chiyodaId, 1), MessageIds.partOf(chiyodaId, 2));
        String shinjukuId = MessageIds.forInput(SHINJUKU, shinjuku);
        String osakaId = MessageIds.forInput(OSAKA, osaka);

        awaitOutcome(CHIYODA, chiyodaParts.get(0), "OK");
        awaitOutcome(CHIYODA, chiyodaParts.get(1), "OK");
        awaitOutcome(SHINJUKU, shinjukuId, "OK");
        awaitOutcome(OSAKA, osakaId, "OK");
        // the delegating prefectures forwarded what they recorded and central confirmed it
        for (String part : chiyodaParts) {
            awaitOutcome(TOKYO_PREF, forwardOf(CHIYODA, part), "OK");
        }
        awaitOutcome(TOKYO_PREF, forwardOf(SHINJUKU, shinjukuId), "OK");
        awaitOutcome(OSAKA_PREF, forwardOf(OSAKA, osakaId), "OK");

        for (String node : List.of(CHIYODA, TOKYO_PREF, CENTRAL)) {
            assertThat(current(node, RESIDENT)).as("current record at %s", node).containsEntry("change_reason", "TRANSFER_IN");
            assertThat(current(node, "70000000084")).containsEntry("change_reason", "DEATH");
        }
        for (String node : List.of(SHINJUKU, TOKYO_PREF, CENTRAL)) {
            // history: the birth record is kept, superseded by the name change, which is current
            List<Map<String, Object>> history = history(node, "70000000017");
            assertThat(history).as("history at %s", node).hasSize(2);
            assertThat(history.get(0)).containsEntry("change_reason", "BIRTH");
            assertThat(history.get(0).get("superseded_at")).isNotNull();
            assertThat(history.get(0).get("superseded_by")).isEqualTo(history.get(1).get("id"));
            assertThat(history.get(1)).containsEntry("change_reason", "NAME_CHANGE");
            assertThat(history.get(1).get("superseded_at")).isNull();
        }
        assertThat(current(OSAKA_PREF, "70000000025")).containsEntry("municipality_code", OSAKA);
        assertThat(current(CENTRAL, "70000000025")).containsEntry("municipality_code", OSAKA);
        assertThat(current(TOKYO_PREF, "70000000025")).as("Osaka's resident at Tokyo").isNull();
        assertThat(current(OSAKA_PREF, RESIDENT)).as("Tokyo's resident at Osaka").isNull();

        // the reports the legacy systems read
        assertThat(report(CHIYODA, chiyodaParts.get(0), "OK")).contains("<Outcome>OK</Outcome>").contains("<RecordsSent>2</RecordsSent>");
        assertThat(report(CHIYODA, chiyodaParts.get(1), "OK")).contains("<RecordsSent>1</RecordsSent>");
        assertThat(report(SHINJUKU, shinjukuId, "OK")).contains("all 2 records recorded by 13");
        for (String node : List.of(CENTRAL, TOKYO_PREF, OSAKA_PREF, CHIYODA, SHINJUKU, OSAKA)) {
            assertThat(net.browse(node, "jukibus.dlq")).as("dead letters at %s", node).isEmpty();
        }
    }

    @Test
    @Order(2)
    void a_record_the_prefecture_refuses_raises_the_mismatch_alert_at_the_sender() throws Exception {
        // the person moved from Shinjuku to Chiyoda; Chiyoda's transfer-in (dated 11-20) is recorded first, then
        // Shinjuku reports the transfer-out dated 11-10: older than the prefecture's current record, refused
        byte[] moveIn = batch(CHIYODA, TOKYO_PREF, record("70000000122", ChangeReason.TRANSFER_IN, "2026-11-20", CHIYODA));
        net.drop(CHIYODA, FLOW, "move-in.xml", moveIn);
        awaitOutcome(CHIYODA, MessageIds.forInput(CHIYODA, moveIn), "OK");

        byte[] moveOut = batch(SHINJUKU, TOKYO_PREF,
                record("70000000130", ChangeReason.ADDRESS_CHANGE, "2026-11-20", SHINJUKU),
                record("70000000122", ChangeReason.TRANSFER_OUT, "2026-11-10", SHINJUKU));
        net.drop(SHINJUKU, FLOW, "move-out.xml", moveOut);
        String id = MessageIds.forInput(SHINJUKU, moveOut);

        Map<String, Object> mismatch = awaitOutcome(SHINJUKU, id, "MISMATCH");
        assertThat((String) mismatch.get("detail")).contains("TRANSFER_OUT: sent 1, recorded 0, refused 1")
                .contains("item 2 (TRANSFER_OUT) refused: OUT_OF_ORDER").doesNotContain("70000000122");
        assertThat(report(SHINJUKU, id, "MISMATCH")).contains("<Outcome>MISMATCH</Outcome>").contains("OUT_OF_ORDER");
        assertThat(alerts(SHINJUKU)).anySatisfy(e -> {
            assertThat(e.messageId()).isEqualTo(id);
            assertThat(e.detail()).startsWith("MISMATCH");
        });
        assertThat(jobs(SHINJUKU).getReconciliationAlerts()).isEqualTo(1);
        // the prefecture kept the newer record current, recorded the other one, and forwarded only that
        assertThat(current(TOKYO_PREF, "70000000122")).containsEntry("change_reason", "TRANSFER_IN");
        assertThat(current(TOKYO_PREF, "70000000130")).containsEntry("change_reason", "ADDRESS_CHANGE");
        awaitOutcome(TOKYO_PREF, forwardOf(SHINJUKU, id), "OK");
        assertThat(current(CENTRAL, "70000000122")).containsEntry("change_reason", "TRANSFER_IN");
    }

    @Test
    @Order(3)
    void records_and_updates_a_prefecture_must_not_take_are_refused_with_their_reason() throws Exception {
        // a misbehaving Chiyoda seals a record of Osaka-shi past its own intake check (which refuses such a file)
        IdentityUpdate mixed = new IdentityUpdate(CHIYODA, TOKYO_PREF, List.of(
                record("70000000033", ChangeReason.BIRTH, "2026-11-20", CHIYODA),
                record("70000000149", ChangeReason.BIRTH, "2026-11-20", OSAKA)));
        String mixedId = java.util.UUID.randomUUID().toString();
        net.context(CHIYODA).getBean(org.jukibus.flow.identity.SentUpdates.class)
                .record(mixedId, TOKYO_PREF, mixed.records(), Instant.now());
        sendSealed(CHIYODA, TOKYO_PREF, mixedId, mixed);

        assertThat((String) awaitOutcome(CHIYODA, mixedId, "MISMATCH").get("detail"))
                .contains("item 2 (BIRTH) refused: OTHER_PREFECTURE — its municipality 271004 does not lie in prefecture 13");
        assertThat(current(TOKYO_PREF, "70000000033")).containsEntry("municipality_code", CHIYODA);
        assertThat(current(TOKYO_PREF, "70000000149")).isNull();
        awaitOutcome(TOKYO_PREF, forwardOf(CHIYODA, mixedId), "OK");
        assertThat(current(CENTRAL, "70000000149")).isNull();

        // an update from a municipality of another prefecture is refused as a whole
        int before = DeadLetterAssert.count(net, TOKYO_PREF);
        IdentityUpdate fromOsaka = new IdentityUpdate(OSAKA, TOKYO_PREF,
                List.of(record("70000000157", ChangeReason.BIRTH, "2026-11-20", OSAKA)));
        sendSealed(OSAKA, TOKYO_PREF, java.util.UUID.randomUUID().toString(), fromOsaka);

        DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, TOKYO_PREF, before);
        assertThat(dead.reason()).isEqualTo(IdentityRecorder.WRONG_PREFECTURE);
        assertThat(dead.detail()).contains(OSAKA).contains("prefecture 27").doesNotContain("70000000157");
        assertThat(current(TOKYO_PREF, "70000000157")).isNull();
    }

    @Test
    @Order(4)
    void a_list_missing_at_the_cutoff_raises_the_missing_alert_and_a_late_list_still_reconciles() throws Exception {
        net.stop(OSAKA_PREF);
        byte[] update = batch(OSAKA, OSAKA_PREF, record("70000000041", ChangeReason.BIRTH, "2026-11-21", OSAKA));
        String id = MessageIds.forInput(OSAKA, update);
        try {
            net.drop(OSAKA, FLOW, "while-down.xml", update);
            await().atMost(Duration.ofSeconds(30)).until(() -> count(OSAKA,
                    "select count(*) from identity_update_sent where message_id = ?", id) == 1);
            IdentityOperations jobs = jobs(OSAKA);
            Instant now = Instant.now();

            assertThat(jobs.checkCutoffAsOf(now.toString())).as("not overdue on the day it was sent").isZero();
            // two days later the cut-off of the day after has passed
            assertThat(jobs.checkCutoffAsOf(now.plus(2, ChronoUnit.DAYS).toString())).isEqualTo(1);
            assertThat(jobs.checkCutoffAsOf(now.plus(2, ChronoUnit.DAYS).toString())).as("alerted once").isZero();

            assertThat(outcomes(OSAKA, id)).extracting(r -> r.get("outcome")).containsExactly("MISSING");
            assertThat(report(OSAKA, id, "MISSING")).contains("<Outcome>MISSING</Outcome>").contains("no update-count list from 27");
            assertThat(alerts(OSAKA)).anySatisfy(e -> assertThat(e.detail()).startsWith("MISSING"));
        } finally {
            net.start(OSAKA_PREF);
        }
        awaitOutcome(OSAKA, id, "OK");
        assertThat(current(OSAKA_PREF, "70000000041")).containsEntry("change_reason", "BIRTH");
    }

    @Test
    @Order(5)
    void a_copy_of_an_update_records_nothing_twice_and_records_survive_a_restart() throws Exception {
        byte[] update = batch(SHINJUKU, TOKYO_PREF, record("70000000050", ChangeReason.TRANSFER_IN, "2026-11-22", SHINJUKU));
        net.drop(SHINJUKU, FLOW, "once.xml", update);
        String id = MessageIds.forInput(SHINJUKU, update);
        awaitOutcome(SHINJUKU, id, "OK");
        awaitOutcome(TOKYO_PREF, forwardOf(SHINJUKU, id), "OK");
        long prefectureRows = count(TOKYO_PREF, "select count(*) from identity_record");
        long centralRows = count(CENTRAL, "select count(*) from identity_record");

        // a second envelope with the same id, sealed again by Shinjuku, put straight on the prefecture's inbound queue
        int dlqBefore = DeadLetterAssert.count(net, TOKYO_PREF);
        IdentityUpdate payload = Payloads.read(update, IdentityUpdate.class);
        byte[] copy = net.context(SHINJUKU).getBean(NodeEnvelopes.class).seal(IdentityUpdate.TYPE, TOKYO_PREF, id, null,
                Payloads.document(payload));
        net.put(TOKYO_PREF, "jukibus.inbound." + FLOW, copy);
        assertThat(DeadLetterAssert.next(net, TOKYO_PREF, dlqBefore).reason()).isEqualTo("REPLAY");

        // had the prefecture crashed after its store committed but before the broker did, the delivery would run
        // again: it records nothing and answers with the very same update-count list and forward
        IdentityRecorder recorder = net.context(TOKYO_PREF).getBean(IdentityRecorder.class);
        Delivered again = new Delivered(IdentityFlow.UPDATE, new EnvelopeHeader(id, IdentityUpdate.TYPE, SHINJUKU, TOKYO_PREF,
                Instant.now(), null), update);
        var first = recorder.answers(again);
        recorder.deliver(again, null);
        assertThat(count(TOKYO_PREF, "select count(*) from identity_record")).isEqualTo(prefectureRows);
        var second = recorder.answers(again);
        assertThat(second).extracting(a -> a.messageId()).containsExactlyElementsOf(first.stream().map(a -> a.messageId()).toList());
        UpdateCountList list = Payloads.read(org.jukibus.xml.SecureXml.serialize(second.get(0).payload()), UpdateCountList.class);
        assertThat(list.updateMessageId()).isEqualTo(id);
        assertThat(list.received()).isEqualTo(1);
        assertThat(list.refusals()).isEmpty();

        net.stop(TOKYO_PREF).stop(SHINJUKU).start(TOKYO_PREF, SHINJUKU);
        assertThat(count(TOKYO_PREF, "select count(*) from identity_record")).isEqualTo(prefectureRows);
        assertThat(count(CENTRAL, "select count(*) from identity_record")).isEqualTo(centralRows);
        assertThat(current(TOKYO_PREF, "70000000050")).containsEntry("change_reason", "TRANSFER_IN");
        assertThat(current(SHINJUKU, "70000000050")).containsEntry("message_id", id);
        assertThat(outcomes(SHINJUKU, id)).extracting(r -> r.get("outcome")).containsExactly("OK");
    }

    @Test
    @Order(6)
    void bad_legacy_input_is_moved_to_the_error_folder_naming_the_bad_field() throws Exception {
        String good = new String(batch(SHINJUKU, TOKYO_PREF,
                record("70000000068", ChangeReason.BIRTH, "2026-11-22", SHINJUKU),
                record("70000000165", ChangeReason.BIRTH, "2026-11-22", SHINJUKU)), StandardCharsets.UTF_8);

        net.drop(SHINJUKU, FLOW, "bad-code.xml", good.replace("70000000165", "7000000006X").getBytes(StandardCharsets.UTF_8));
        net.drop(SHINJUKU, FLOW, "other-muni.xml", new String(batch(SHINJUKU, TOKYO_PREF,
                record("70000000173", ChangeReason.BIRTH, "2026-11-22", SHINJUKU),
                record("70000000181", ChangeReason.BIRTH, "2026-11-22", CHIYODA)), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));

        assertThat(net.awaitRejected(SHINJUKU, FLOW, "bad-code.xml")).contains("ResidentCode");
        assertThat(net.awaitRejected(SHINJUKU, FLOW, "other-muni.xml"))
                .contains("Record 2: Municipality is 131016 but this municipality is 131041");
        assertThat(current(SHINJUKU, "70000000068")).as("nothing of a refused file is recorded").isNull();
        assertThat(current(SHINJUKU, "70000000173")).isNull();
    }

    @Test
    @Order(7)
    void a_batch_of_a_thousand_records_goes_through_as_one_message() throws Exception {
        IdentityRecord[] records = new IdentityRecord[1000];
        for (int i = 0; i < records.length; i++) {
            records[i] = record(ResidentCode.of(7100000000L + i), i % 2 == 0 ? ChangeReason.TRANSFER_IN : ChangeReason.BIRTH,
                    "2026-11-23", OSAKA);
        }
        byte[] batch = batch(OSAKA, OSAKA_PREF, records);
        String id = MessageIds.forInput(OSAKA, batch);

        net.drop(OSAKA, FLOW, "thousand.xml", batch);

        assertThat((String) awaitOutcome(OSAKA, id, "OK").get("detail")).contains("all 1000 records recorded by 27");
        awaitOutcome(OSAKA_PREF, forwardOf(OSAKA, id), "OK");
        for (String node : List.of(OSAKA, OSAKA_PREF, CENTRAL)) {
            assertThat(count(node, "select count(*) from identity_record where resident_code between '"
                    + ResidentCode.of(7100000000L) + "' and '" + ResidentCode.of(7100000999L) + "' and superseded_at is null"))
                    .as("records at %s", node).isEqualTo(1000);
        }
        assertThat(count(OSAKA_PREF, "select count(*) from identity_record where message_id = ?", id)).isEqualTo(1000);
    }

    @Test
    @Order(8)
    void erasure_as_of_a_later_time_removes_exactly_the_expired_rows() throws Exception {
        // a transfer-out annotation hanging on a record that is superseded: it must go with it
        JdbcTemplate prefecture = IdentityRecords.store(net, TOKYO_PREF);
        long supersededId = prefecture.queryForObject("select id from identity_record where resident_code = '70000000017' "
                + "and superseded_at is not null", Long.class);
        prefecture.update("""
                insert into transfer_out_annotation (identity_record_id, resident_code, old_municipality, new_municipality,
                    transfer_in_date, new_address, confirmation_message_id, confirmed_at, recorded_at)
                values (?, '70000000017', '131041', '131016', date '2026-11-20', '新住所', ?, now(), now())""",
                supersededId, java.util.UUID.randomUUID().toString());

        Map<String, Long> expired = new java.util.LinkedHashMap<>();
        Map<String, Long> kept = new java.util.LinkedHashMap<>();
        for (String node : List.of(SHINJUKU, CHIYODA, TOKYO_PREF, CENTRAL)) {
            expired.put(node, count(node, EXPIRED));
            kept.put(node, count(node, "select count(*) from identity_record") - expired.get(node));
            assertThat(expired.get(node)).as("superseded or deleted records at %s", node).isPositive();
        }
        Instant now = Instant.now();
        for (String node : expired.keySet()) {
            // 4 years on nothing has expired; 5 years and a day on, exactly the superseded and deleted records have
            assertThat(jobs(node).eraseAsOf(now.plus(4 * 365, ChronoUnit.DAYS).toString())).as("at %s after 4 years", node).isZero();
            assertThat((long) jobs(node).eraseAsOf(now.plus(5 * 366, ChronoUnit.DAYS).toString())).as("at %s", node).isEqualTo(expired.get(node));
            assertThat(count(node, "select count(*) from identity_record")).isEqualTo(kept.get(node));
            assertThat(count(node, EXPIRED)).isZero();
            assertThat(erasures(node)).as("operation log of %s", node).anySatisfy(e -> assertThat(e.detail())
                    .startsWith(expired.get(node) + " identity records erased"));
        }
        assertThat(count(TOKYO_PREF, "select count(*) from transfer_out_annotation where identity_record_id = " + supersededId)).isZero();
        assertThat(current(TOKYO_PREF, "70000000017")).containsEntry("change_reason", "NAME_CHANGE");
        assertThat(current(TOKYO_PREF, "70000000084")).as("a deleted marker").isNull();
        assertThat(history(CENTRAL, "70000000017")).hasSize(1);
    }

    /**
     * Issue 14: a message id is its sender's choice, so a municipality that uses another's id first must neither block
     * nor take the other's update: the prefecture records and answers each on its own, and forwards each to central.
     */
    @Test
    @Order(9)
    void two_municipalities_sending_the_same_message_id_are_each_recorded_and_answered_on_their_own() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        int dlqBefore = DeadLetterAssert.count(net, TOKYO_PREF);
        IdentityUpdate first = new IdentityUpdate(CHIYODA, TOKYO_PREF,
                List.of(record("70000000904", ChangeReason.BIRTH, "2026-11-25", CHIYODA)));
        net.context(CHIYODA).getBean(org.jukibus.flow.identity.SentUpdates.class).record(id, TOKYO_PREF, first.records(), Instant.now());
        sendSealed(CHIYODA, TOKYO_PREF, id, first);
        awaitOutcome(CHIYODA, id, "OK");

        IdentityUpdate second = new IdentityUpdate(SHINJUKU, TOKYO_PREF,
                List.of(record("70000000912", ChangeReason.BIRTH, "2026-11-25", SHINJUKU)));
        net.context(SHINJUKU).getBean(org.jukibus.flow.identity.SentUpdates.class).record(id, TOKYO_PREF, second.records(), Instant.now());
        sendSealed(SHINJUKU, TOKYO_PREF, id, second);

        // each gets its own update-count list (naming its own record), and each update goes on to central
        awaitOutcome(SHINJUKU, id, "OK");
        assertThat(current(TOKYO_PREF, "70000000912")).containsEntry("municipality_code", SHINJUKU).containsEntry("sender", SHINJUKU)
                .containsEntry("message_id", id);
        assertThat(current(TOKYO_PREF, "70000000904")).containsEntry("municipality_code", CHIYODA).containsEntry("sender", CHIYODA);
        assertThat(count(TOKYO_PREF, "select count(*) from identity_update_received where message_id = ?", id)).isEqualTo(2);
        awaitOutcome(TOKYO_PREF, forwardOf(SHINJUKU, id), "OK");
        awaitOutcome(TOKYO_PREF, forwardOf(CHIYODA, id), "OK");
        assertThat(current(CENTRAL, "70000000912")).containsEntry("municipality_code", SHINJUKU);
        assertThat(current(CENTRAL, "70000000904")).containsEntry("municipality_code", CHIYODA);
        assertThat(outcomes(SHINJUKU, id)).extracting(r -> r.get("outcome")).containsExactly("OK");
        assertThat(DeadLetterAssert.count(net, TOKYO_PREF)).as("nothing refused at the prefecture").isEqualTo(dlqBefore);
    }

    private static final String EXPIRED = "select count(*) from identity_record where superseded_at is not null "
            + "or change_reason in ('TRANSFER_OUT', 'DEATH', 'DELETION')";

    /** Puts an update sealed with {@code from}'s own keys on its outbound queue, past its intake checks. */
    static void sendSealed(String from, String to, String messageId, IdentityUpdate update) throws Exception {
        byte[] envelope = net.context(from).getBean(NodeEnvelopes.class).seal(IdentityUpdate.TYPE, to, messageId, null,
                Payloads.document(update));
        net.put(from, "jukibus.outbound", envelope, Map.of(org.jukibus.flow.Headers.MESSAGE_ID, messageId,
                org.jukibus.flow.Headers.TYPE, IdentityUpdate.TYPE, org.jukibus.flow.Headers.RECIPIENT, to,
                org.jukibus.flow.Headers.ADDRESS, "jukibus.inbound." + FLOW, org.jukibus.flow.Headers.DUPLICATE_ID, messageId));
    }

    static IdentityRecord record(String residentCode, ChangeReason reason, String changeDate, String municipality) {
        return new IdentityRecord(residentCode, "住基 太郎", "ジュウキ タロウ", "1980-01-15", "1", "東京都千代田区一丁目1番1号", reason,
                changeDate, municipality);
    }

    static byte[] batch(String sender, String recipient, IdentityRecord... records) throws Exception {
        return Payloads.bytes(new IdentityUpdate(sender, recipient, List.of(records)));
    }

    /** The update a delegating prefecture sent central for an update it received. */
    static String forwardOf(String sender, String messageId) {
        return MessageIds.answerOf(FLOW, sender, messageId);
    }

    static JdbcTemplate jdbc(String node) {
        return IdentityRecords.store(net, node);
    }

    static long count(String node, String sql, Object... args) {
        Long n = jdbc(node).queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }

    static Map<String, Object> current(String node, String residentCode) {
        List<Map<String, Object>> rows = jdbc(node).queryForList(
                "select * from identity_record where resident_code = ? and superseded_at is null", residentCode);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static List<Map<String, Object>> history(String node, String residentCode) {
        return jdbc(node).queryForList("select * from identity_record where resident_code = ? order by id", residentCode);
    }

    static List<Map<String, Object>> outcomes(String node, String messageId) {
        return jdbc(node).queryForList("select * from identity_reconciliation where message_id = ? order by id", messageId);
    }

    static Map<String, Object> awaitOutcome(String node, String messageId, String outcome) {
        await().atMost(Duration.ofSeconds(90)).until(() -> outcomes(node, messageId).stream()
                .anyMatch(r -> outcome.equals(r.get("outcome"))));
        return outcomes(node, messageId).stream().filter(r -> outcome.equals(r.get("outcome"))).findFirst().orElseThrow();
    }

    static String report(String node, String messageId, String outcome) throws Exception {
        Path file = net.node(node).legacyRoot().resolve("outbox").resolve(REPORTS).resolve(messageId + "-" + outcome + ".xml");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    static IdentityOperations jobs(String node) {
        return JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(), IdentityJobs.objectName(node), IdentityOperations.class);
    }

    static List<AuditEntry> alerts(String node) throws Exception {
        return auditOf(node, AuditKind.RECONCILIATION_ALERT);
    }

    static List<AuditEntry> erasures(String node) throws Exception {
        return auditOf(node, AuditKind.RECORDS_ERASED);
    }

    static List<AuditEntry> auditOf(String node, AuditKind kind) throws Exception {
        List<AuditEntry> found = new ArrayList<>();
        for (AuditEntry e : HashChainLog.entries(net.node(node).home().resolve("audit"))) {
            if (e.kind() == kind) {
                found.add(e);
            }
        }
        return found;
    }
}
