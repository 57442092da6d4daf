package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.flow.changeinfo.ChangeInfo;
import org.jukibus.flow.changeinfo.ChangeKind;
import org.jukibus.pki.KeyStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * 異動等情報 (change info, 第6の8(6)): identity records at central become change info for the liaison
 * node, which hands it to the certification authority (a stand-in on 127.0.0.1) sealed for it. Moves,
 * deaths and name changes arrive once, births never; while the authority is down the liaison retries;
 * a refusal goes to the dead-letter queue and is delivered when replayed after the fix; a batch made again
 * after a crash, or a restart of central, sends nothing twice; only central may send change info; only
 * certificate holders' changes reach the authority (第1の5), the register of holders fed by the authority.
 */
// order is inherent: central's change-info watermark and the stand-in authority's arrivals only grow: each test counts from what the one before left
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChangeInfoIT {

    private static final XmlMapper XML = new XmlMapper();

    @TempDir
    static Path root;
    @Provisioned({LIAISON, TOKYO_PREF}) // the prefecture is not started: only its key is used
    static TestNetwork net;
    static StandInCertificationAuthority ca;

    @BeforeAll
    static void startNetwork() throws Exception {
        net.node(CENTRAL).properties().putAll(Map.of("jukibus.change-info.interval", "300ms"));
        ca = new StandInCertificationAuthority(net, LIAISON, root.resolve("stand-in-ca"));
        // the residents of tests 1 to 4 hold certificates (the birth's 10000000030 too: births are never sent anyway)
        ca.holds("10000000006", "10000000014", "10000000022", "10000000030", "10000000049", "20000000001",
                "30000000007", "40000000002");
        net.node(LIAISON).properties().putAll(Map.of("jukibus.liaison.ca-endpoint", ca.endpoint(),
                "jukibus.liaison.ca-certificate", ca.certificateFile().toString(),
                "jukibus.liaison.ca-code", StandInCertificationAuthority.CODE));
        net.start(CENTRAL, LIAISON);
    }

    @AfterAll
    static void stopNetwork() {
        if (ca != null) {
            ca.close();
        }
    }

    @Test
    @Order(1)
    void moves_deaths_and_name_changes_arrive_once_sealed_by_the_liaison_node_and_births_never() throws Exception {
        IdentityRecords.seedChange(net, CENTRAL, "10000000006", "ADDRESS_CHANGE", "住基 一郎", "東京都千代田区九段南一丁目2番1号", "2026-11-01");
        IdentityRecords.seedChange(net, CENTRAL, "10000000014", "DEATH", "住基 二郎", "東京都千代田区丸の内一丁目1番1号", "2026-11-02");
        IdentityRecords.seedChange(net, CENTRAL, "10000000022", "NAME_CHANGE", "山田 三子", "東京都千代田区永田町一丁目7番1号", "2026-11-03");
        IdentityRecords.seedChange(net, CENTRAL, "10000000030", "BIRTH", "住基 四郎", "東京都千代田区霞が関一丁目1番1号", "2026-11-04");

        await().atMost(Duration.ofSeconds(30)).until(() -> changes().size() >= 3);

        assertThat(changes()).containsExactly(
                new ChangeInfo.Change("10000000006", ChangeKind.MOVE, null, "東京都千代田区九段南一丁目2番1号", "2026-11-01"),
                new ChangeInfo.Change("10000000014", ChangeKind.DEATH, null, null, "2026-11-02"),
                new ChangeInfo.Change("10000000022", ChangeKind.NAME_CHANGE, "山田 三子", null, "2026-11-03"));
        StandInCertificationAuthority.Arrival arrival = ca.accepted().get(0);
        assertThat(arrival.envelope().header().sender()).as("signed by (verified with the certificate of)").isEqualTo(LIAISON);
        assertThat(arrival.envelope().header().recipient()).isEqualTo(StandInCertificationAuthority.CODE);
        assertThat(arrival.clientSubject()).as("TLS client").contains("CN=" + LIAISON);
        for (StandInCertificationAuthority.Arrival each : ca.accepted()) { // one batch, or two if a run fell between the inserts
            Map<String, Object> logged = delivery(each.envelope().header().messageId());
            assertThat(logged.get("entries")).isEqualTo(payload(each).changes().size());
            assertThat(logged.get("http_status")).isEqualTo(200);
            assertThat(logged.get("sent_sha256")).as("the delivery log's digest of what was sent").isEqualTo(each.sha256());
        }
        assertThat(watermark()).isEqualTo(maxIdentityRecordId());

        // the next batch arrives after it: by then a copy of the first would have, too
        IdentityRecords.seedChange(net, CENTRAL, "10000000049", "DELETION", "住基 五郎", "東京都千代田区", "2026-11-05");
        await().atMost(Duration.ofSeconds(30)).until(() -> changes().size() >= 4);
        assertThat(changes()).extracting(ChangeInfo.Change::residentCode)
                .containsExactly("10000000006", "10000000014", "10000000022", "10000000049");
        assertThat(DeadLetterAssert.count(net, LIAISON)).isZero();
    }

    @Test
    @Order(2)
    void while_the_authority_is_down_the_liaison_retries_and_delivers_when_it_is_back() throws Exception {
        int before = ca.accepted().size();
        ca.stop();
        try {
            IdentityRecords.seedChange(net, CENTRAL, "20000000001", "TRANSFER_OUT", "住基 六郎", "大阪府大阪市北区中之島一丁目3番20号", "2026-11-06");
            await().atMost(Duration.ofSeconds(30)).until(() -> undeliveredAttempts() >= 2);
            assertThat(ca.accepted()).hasSize(before);
        } finally {
            ca.start();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> ca.accepted().size() > before);

        StandInCertificationAuthority.Arrival arrival = ca.accepted().get(before);
        assertThat(payload(arrival).changes()).containsExactly(
                new ChangeInfo.Change("20000000001", ChangeKind.MOVE, null, "大阪府大阪市北区中之島一丁目3番20号", "2026-11-06"));
        Map<String, Object> logged = delivery(arrival.envelope().header().messageId());
        assertThat((Integer) logged.get("attempts")).isGreaterThanOrEqualTo(3);
        assertThat(logged.get("sent_sha256")).isEqualTo(arrival.sha256());
        assertThat(logged.get("last_error")).isNull();
        assertThat(DeadLetterAssert.count(net, LIAISON)).isZero();
    }

    @Test
    @Order(3)
    void a_refusal_goes_to_the_dead_letter_queue_and_is_delivered_when_replayed_after_the_fix() throws Exception {
        int before = ca.accepted().size();
        ca.answer(400);
        try {
            IdentityRecords.seedChange(net, CENTRAL, "30000000007", "DEATH", "住基 七郎", "東京都千代田区", "2026-11-07");
            DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, LIAISON, 0);
            assertThat(dead.reason()).isEqualTo("CA_REFUSED");
            assertThat(dead.detail()).contains("HTTP 400").contains(ca.endpoint());
            assertThat(dead.flow()).isEqualTo("change-info");
        } finally {
            ca.answer(200); // the fix
        }
        List<String> refused = dlq("list").out().lines().filter(l -> l.contains("CA_REFUSED")).toList();
        assertThat(refused).hasSize(1);
        String id = refused.get(0).trim().split("\\s+")[0];

        DeadLetterToolingIT.Run replay = dlq("replay", "--id", id);

        assertThat(replay.exit()).as(replay.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> ca.accepted().size() > before);
        assertThat(payload(ca.accepted().get(before)).changes()).extracting(ChangeInfo.Change::residentCode)
                .containsExactly("30000000007");
        assertThat(DeadLetterAssert.count(net, LIAISON)).isZero();
    }

    @Test
    @Order(4)
    void after_a_crash_between_send_and_watermark_central_sends_nothing_twice() throws Exception {
        int before = changes().size();
        // the last batch was the death of 30000000007 alone: put central's store back to what a crash after that
        // batch's send and before the advance leaves; central makes the batch again, with the same message id
        long previous = identityRecordId("20000000001");
        long last = identityRecordId("30000000007");
        IdentityRecords.store(net, CENTRAL).update("update change_info_watermark set last_id = ?, pending_to = ?", previous, last);
        await().atMost(Duration.ofSeconds(30)).until(() -> watermark() == last && pendingTo() == null);
        net.stop(CENTRAL).start(CENTRAL);

        IdentityRecords.seedChange(net, CENTRAL, "40000000002", "NAME_CHANGE", "佐藤 八子", "東京都千代田区", "2026-11-08");
        await().atMost(Duration.ofSeconds(30)).until(() -> changes().size() > before);

        assertThat(changes()).extracting(ChangeInfo.Change::residentCode).containsExactly(
                "10000000006", "10000000014", "10000000022", "10000000049", "20000000001", "30000000007", "40000000002");
        assertThat(watermark()).isEqualTo(maxIdentityRecordId());
    }

    @Test
    @Order(5)
    void only_central_may_send_change_info_to_the_liaison_node() throws Exception {
        String password = "test-store-password";
        Path keystore = root.resolve("prefecture-client.p12");
        Path truststore = root.resolve("prefecture-trust.p12");
        KeyStores.writeKeyStore(keystore, net.node(TOKYO_PREF).keys(), password.toCharArray());
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), password.toCharArray());

        // the prefecture is a peer the liaison's broker lets in (the login works) ...
        try (Connection c = TlsPeer.connect(net.node(LIAISON).primary(), keystore, password, truststore, password)) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("jukibus.inbound.change-info"));
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(new byte[] {1, 2, 3});
            // ... but may not send change info
            assertThatThrownBy(() -> producer.send(m))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    @Order(6)
    void only_certificate_holders_changes_reach_the_authority_and_the_others_are_counted() throws Exception {
        String holder = org.jukibus.flow.ResidentCode.of(5000000001L);
        String nonHolder = org.jukibus.flow.ResidentCode.of(5000000002L);
        ca.holds(holder); // issued after the liaison last read the feed: it reads the feed again before handing on
        int before = changes().size();
        int withheldBefore = withheld();

        IdentityRecords.seedChange(net, CENTRAL, nonHolder, "ADDRESS_CHANGE", "住基 九郎", "東京都千代田区一番町1番地", "2026-11-09");
        IdentityRecords.seedChange(net, CENTRAL, holder, "ADDRESS_CHANGE", "住基 十郎", "東京都千代田区二番町2番地", "2026-11-10");
        await().atMost(Duration.ofSeconds(30)).until(() -> changes().size() > before && withheld() > withheldBefore);

        assertThat(changes().subList(before, changes().size())).containsExactly(
                new ChangeInfo.Change(holder, ChangeKind.MOVE, null, "東京都千代田区二番町2番地", "2026-11-10"));
        assertThat(withheld()).as("the non-holder's move is counted, not sent").isEqualTo(withheldBefore + 1);
        assertThat(IdentityRecords.store(net, LIAISON).queryForList(
                "select resident_code from certificate_holder", String.class)).contains(holder).doesNotContain(nonHolder);

        assertThat(DeadLetterAssert.count(net, LIAISON)).isZero();
    }

    @Test
    @Order(7)
    void the_authoritys_certificate_has_a_lifetime_gauge_like_the_nodes_own() throws Exception {
        java.security.cert.X509Certificate authority = org.jukibus.pki.Pem.readCertificate(ca.certificateFile());
        io.micrometer.core.instrument.Gauge gauge = net.context(LIAISON).getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("jukibus.certificate.expiry").tag("certificate", "ca-encryption").gauge();

        assertThat(gauge).as("the liaison warns before change info can no longer be sealed").isNotNull();
        double expected = Duration.between(net.context(LIAISON).getBean(org.jukibus.clock.NodeClock.class).instant(),
                authority.getNotAfter().toInstant()).toSeconds();
        assertThat(gauge.value()).isCloseTo(expected, org.assertj.core.data.Offset.offset(120.0));
    }

    @Test
    @Order(8)
    void a_transaction_left_open_in_centrals_store_holds_change_info_back_and_the_gauge_shows_for_how_long() throws Exception {
        String resident = org.jukibus.flow.ResidentCode.of(5000000003L);
        ca.holds(resident);
        io.micrometer.core.instrument.Gauge waiting = net.context(CENTRAL).getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("jukibus.change.info.waiting").gauge();
        assertThat(waiting).isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting.value() == 0.0);
        int before = changes().size();
        javax.sql.DataSource store = net.context(CENTRAL).getBean(javax.sql.DataSource.class);
        try (java.sql.Connection open = store.getConnection()) {
            // an operator's psql session left in BEGIN with a write: every record after it waits for it to end
            open.setAutoCommit(false);
            open.createStatement().execute("select pg_current_xact_id()");
            IdentityRecords.seedChange(net, CENTRAL, resident, "ADDRESS_CHANGE", "住基 十一郎", "東京都千代田区三番町3番地", "2026-11-11");

            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.value() >= 3.0);
            assertThat(changes()).hasSize(before);
            open.rollback();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> changes().size() > before && waiting.value() == 0.0);
        assertThat(changes().get(changes().size() - 1).residentCode()).isEqualTo(resident);
    }

    // --- helpers ---

    private static int withheld() {
        return IdentityRecords.store(net, LIAISON).queryForObject("select coalesce(sum(withheld), 0) from ca_delivery",
                Integer.class);
    }

    private static List<ChangeInfo.Change> changes() {
        return ca.accepted().stream().flatMap(a -> payload(a).changes().stream()).toList();
    }

    private static ChangeInfo payload(StandInCertificationAuthority.Arrival arrival) {
        try {
            return XML.readValue(arrival.envelope().payloadBytes(), ChangeInfo.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The liaison's delivery log row of a message the stand-in accepted, once the liaison recorded the answer. */
    private static Map<String, Object> delivery(String messageId) {
        String sql = "select * from ca_delivery where message_id = ?";
        await().atMost(Duration.ofSeconds(10)).until(() ->
                IdentityRecords.store(net, LIAISON).queryForMap(sql, messageId).get("delivered_at") != null);
        return IdentityRecords.store(net, LIAISON).queryForMap(sql, messageId);
    }

    private static int undeliveredAttempts() {
        Integer n = IdentityRecords.store(net, LIAISON).queryForObject(
                "select coalesce(max(attempts), 0) from ca_delivery where delivered_at is null", Integer.class);
        return n == null ? 0 : n;
    }

    private static long watermark() {
        return IdentityRecords.store(net, CENTRAL).queryForObject("select last_id from change_info_watermark", Long.class);
    }

    private static long identityRecordId(String residentCode) {
        return IdentityRecords.store(net, CENTRAL).queryForObject(
                "select id from identity_record where resident_code = ?", Long.class, residentCode);
    }

    private static Long pendingTo() {
        return IdentityRecords.store(net, CENTRAL).queryForObject("select pending_to from change_info_watermark", Long.class);
    }

    private static long maxIdentityRecordId() {
        return IdentityRecords.store(net, CENTRAL).queryForObject("select max(id) from identity_record", Long.class);
    }

    private static DeadLetterToolingIT.Run dlq(String command, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("dlq", command));
        all.addAll(net.operatorLogin(LIAISON));
        all.addAll(List.of(args));
        return DeadLetterToolingIT.run(all.toArray(String[]::new));
    }
}
