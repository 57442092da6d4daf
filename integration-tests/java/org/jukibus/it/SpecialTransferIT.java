package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jukibus.flow.Headers;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.specialtransfer.FirstTransferInLog;
import org.jukibus.flow.specialtransfer.FirstTransferInNotice;
import org.jukibus.envelope.NodeEnvelopes;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 転入転出の特例 (special transfer with the resident card, standard 第6の5) across real nodes: Shinjuku
 * (131041) is the old municipality; Osaka-shi (271004, another prefecture) and Bunkyo (131059, the
 * same prefecture) are new municipalities. The card register and the card-holding check, the
 * registration of transfer-out certificate info, the first transfer-in notice and the certificate
 * info the old node answers with; bad input; a restart of the old node; and the prefecture and
 * central brokers never see any of it (第3の3(3)).
 */
@Tag("slow")
// order is inherent: the last test proves that prefecture and central never carried any of the traffic the others sent
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpecialTransferIT {

    static final String NAME = "住基 一郎";
    static final String BIRTH = "1975-06-15";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Provisioned(value = {TOKYO_PREF, OSAKA_PREF, SHINJUKU, BUNKYO, OSAKA}, started = Provisioned.ALL)
    static TestNetwork net;

    @Test
    @Order(1)
    void the_card_check_answers_from_the_card_register_and_its_history() throws Exception {
        String resident = RESIDENT;
        handle(SHINJUKU, "resident-card", "card-1.xml",
                SpecialTransferFiles.residentCard(SHINJUKU, resident, "C0000001", "ISSUED", "2024-04-01"));
        handle(SHINJUKU, "card-check", "check-1.xml", SpecialTransferFiles.cardCheck("CHK-1", SHINJUKU, resident));
        String holds = outboxFile(SHINJUKU, "card-check", "CHK-1.xml");
        assertThat(holds).contains("<Result>HOLDS_CARD</Result>").contains("<CardNumber>C0000001</CardNumber>")
                .contains("<StatusDate>2024-04-01</StatusDate>").doesNotContain("<Reason>");

        handle(SHINJUKU, "resident-card", "card-1-returned.xml",
                SpecialTransferFiles.residentCard(SHINJUKU, resident, "C0000001", "RETURNED", "2026-11-01"));
        // the same event again (the legacy system resent it) changes nothing
        handle(SHINJUKU, "resident-card", "card-1-returned-again.xml",
                SpecialTransferFiles.residentCard(SHINJUKU, resident, "C0000001", "RETURNED", "2026-11-01"));
        handle(SHINJUKU, "card-check", "check-2.xml", SpecialTransferFiles.cardCheck("CHK-2", SHINJUKU, resident));
        String returned = outboxFile(SHINJUKU, "card-check", "CHK-2.xml");
        assertThat(returned).contains("<Result>NO_CARD</Result>").contains("<CardStatus>RETURNED</CardStatus>")
                .contains("<StatusDate>2026-11-01</StatusDate>").contains("<Reason>card C0000001 was returned on 2026-11-01");

        handle(SHINJUKU, "card-check", "check-3.xml", SpecialTransferFiles.cardCheck("CHK-3", SHINJUKU, "79999999994"));
        assertThat(outboxFile(SHINJUKU, "card-check", "CHK-3.xml")).contains("<Result>NO_CARD</Result>")
                .contains("<Reason>no resident card is registered for this resident code at 131041</Reason>");

        assertThat(db(SHINJUKU).queryForList("SELECT status FROM resident_card_event WHERE resident_code = ? ORDER BY id",
                String.class, resident)).as("the card's history").containsExactly("ISSUED", "RETURNED");
    }

    @Test
    @Order(2)
    void a_first_transfer_in_gets_the_latest_registered_certificate_info_back() throws Exception {
        String resident = "70000000076";
        handle(SHINJUKU, "transfer-out-certificate", "reg-2a.xml",
                SpecialTransferFiles.certificate("REG-2A", resident, NAME, "大阪府大阪市北区 予定の住所", SHINJUKU, OSAKA));
        handle(SHINJUKU, "transfer-out-certificate", "reg-2b.xml",
                SpecialTransferFiles.certificate("REG-2B", resident, NAME, "大阪府大阪市北区中之島一丁目3番20号", SHINJUKU, OSAKA));

        net.drop(OSAKA, "first-transfer-in", "n-2.xml", SpecialTransferFiles.firstTransferIn("N-2", resident, NAME, BIRTH, OSAKA, SHINJUKU));

        String notice = arrival(SHINJUKU, "first-transfer-in", "N-2");
        assertThat(notice).contains("<NewMunicipality>271004</NewMunicipality>").contains(NAME);
        String info = arrival(OSAKA, "transfer-out-certificate-info", "N-2");
        assertThat(info).contains("<Status>FOUND</Status>").contains("<ResidentCode>" + resident + "</ResidentCode>")
                .contains("<OldMunicipality>131041</OldMunicipality>").contains("<NewMunicipality>271004</NewMunicipality>")
                .contains("<RegistrationId>REG-2B</RegistrationId>").contains("<Name>" + NAME + "</Name>")
                .contains("<BirthDate>1975-06-15</BirthDate>").contains("<NewAddress>大阪府大阪市北区中之島一丁目3番20号</NewAddress>")
                .contains("<CardNumber>JK" + resident.substring(3) + "</CardNumber>").contains("<Relationship>世帯主</Relationship>")
                .contains("<PlannedNewMunicipality>271004</PlannedNewMunicipality>")
                .doesNotContain("予定の住所").doesNotContain("MismatchedItem");
        assertThat(net.files(OSAKA, "error")).as("reports at the new municipality").isEmpty();

        // the old node recorded whom it answered, when, under which message id, with which registration
        List<Map<String, Object>> answers = db(SHINJUKU).queryForList("""
                SELECT a.answer_message_id, a.new_municipality, a.status, a.answered_at, c.registration_id
                FROM certificate_info_answer a JOIN transfer_out_certificate c ON c.id = a.certificate_id
                WHERE a.resident_code = ?""", resident);
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0)).containsEntry("new_municipality", OSAKA).containsEntry("status", "FOUND")
                .containsEntry("registration_id", "REG-2B");
        assertThat(net.deliveredIds(OSAKA, "transfer-out-certificate-info")).contains((String) answers.get(0).get("answer_message_id"));
        assertThat(answers.get(0).get("answered_at")).isNotNull();
        assertThat(db(SHINJUKU).queryForObject("SELECT count(*) FROM transfer_out_certificate WHERE resident_code = ?",
                Integer.class, resident)).as("both registrations kept").isEqualTo(2);

        // a second first transfer-in for the same resident is answered again, with the same certificate info
        net.drop(OSAKA, "first-transfer-in", "n-2-again.xml",
                SpecialTransferFiles.firstTransferIn("N-2-AGAIN", resident, NAME, BIRTH, OSAKA, SHINJUKU));
        String again = arrival(OSAKA, "transfer-out-certificate-info", "N-2-AGAIN");
        assertThat(again).contains("<Status>FOUND</Status>");
        assertThat(certificateOf(again)).isEqualTo(certificateOf(info));
        assertThat(db(SHINJUKU).queryForObject("SELECT count(*) FROM certificate_info_answer WHERE resident_code = ?",
                Integer.class, resident)).isEqualTo(2);
    }

    @Test
    @Order(3)
    void an_unregistered_resident_gets_not_registered_and_a_report_at_the_new_municipality() throws Exception {
        net.drop(BUNKYO, "first-transfer-in", "n-3.xml",
                SpecialTransferFiles.firstTransferIn("N-3", "70000000084", NAME, BIRTH, BUNKYO, SHINJUKU));

        String info = arrival(BUNKYO, "transfer-out-certificate-info", "N-3");
        assertThat(info).contains("<Status>NOT_REGISTERED</Status>").doesNotContain("<Certificate>");
        String report = report(BUNKYO, "N-3");
        assertThat(report).contains("notice: N-3").contains("status: NOT_REGISTERED").contains("old-municipality: 131041 (新宿区)")
                .contains("no transfer-out certificate info registered").contains("answer: outbox/transfer-out-certificate-info/131041-");
    }

    @Test
    @Order(4)
    void a_name_that_differs_from_the_registered_one_gets_mismatch_without_the_data() throws Exception {
        String resident = "70000000092";
        handle(SHINJUKU, "transfer-out-certificate", "reg-4.xml",
                SpecialTransferFiles.certificate("REG-4", resident, "住基 四郎", "大阪府大阪市中央区大手前二丁目1番22号", SHINJUKU, OSAKA));

        net.drop(OSAKA, "first-transfer-in", "n-4.xml",
                SpecialTransferFiles.firstTransferIn("N-4", resident, "住基 五郎", BIRTH, OSAKA, SHINJUKU));

        String info = arrival(OSAKA, "transfer-out-certificate-info", "N-4");
        assertThat(info).contains("<Status>MISMATCH</Status>").contains("<MismatchedItem>Name</MismatchedItem>")
                .doesNotContain("BirthDate").doesNotContain("<Certificate>").doesNotContain("住基 四郎").doesNotContain("大手前");
        assertThat(report(OSAKA, "N-4")).contains("notice: N-4").contains("status: MISMATCH").contains("Name of the notice differ");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @Order(5)
    @CsvSource(delimiter = '|', value = {
            "resident-card            | missing-field  | <CardNumber>C0000005</CardNumber>                 | ''                                                 | CardNumber",
            "resident-card            | wrong-code     | <ResidentCode>70000000106</ResidentCode>          | <ResidentCode>7000000005</ResidentCode>            | ResidentCode",
            "resident-card            | other-node     | <Municipality>131041</Municipality>               | <Municipality>131059</Municipality>                | Municipality is 131059 but this node is 131041",
            "resident-card            | unknown-node   | <Municipality>131041</Municipality>               | <Municipality>011002</Municipality>                | Municipality is 011002 but this node is 131041",
            "card-check               | missing-field  | <ResidentCode>70000000106</ResidentCode>          | ''                                                 | ResidentCode",
            "card-check               | wrong-code     | <Municipality>131041</Municipality>               | <Municipality>13104</Municipality>                 | Municipality",
            "card-check               | other-node     | <Municipality>131041</Municipality>               | <Municipality>271004</Municipality>                | Municipality is 271004 but this node is 131041",
            "transfer-out-certificate | missing-field  | <Name>住基 一郎</Name>                              | ''                                                 | Name",
            "transfer-out-certificate | wrong-code     | <PlannedNewMunicipality>271004</PlannedNewMunicipality> | <PlannedNewMunicipality>271005</PlannedNewMunicipality> | check digit",
            "transfer-out-certificate | unknown-node   | <PlannedNewMunicipality>271004</PlannedNewMunicipality> | <PlannedNewMunicipality>011002</PlannedNewMunicipality> | PlannedNewMunicipality 011002 is not a municipality in the node directory",
            "transfer-out-certificate | other-node     | <OldMunicipality>131041</OldMunicipality>         | <OldMunicipality>131059</OldMunicipality>          | OldMunicipality is 131059 but this node is 131041",
            "first-transfer-in        | missing-field  | <BirthDate>1975-06-15</BirthDate>                 | ''                                                 | BirthDate",
            "first-transfer-in        | wrong-code     | <ResidentCode>70000000106</ResidentCode>          | <ResidentCode>7000000000A</ResidentCode>           | ResidentCode",
            "first-transfer-in        | unknown-node   | <OldMunicipality>131041</OldMunicipality>         | <OldMunicipality>011002</OldMunicipality>          | OldMunicipality 011002 is not in the node directory",
            "first-transfer-in        | other-node     | <NewMunicipality>271004</NewMunicipality>         | <NewMunicipality>131059</NewMunicipality>          | NewMunicipality is 131059 but this node is 271004",
    })
    void bad_input_is_moved_to_the_error_folder_with_a_report(String flow, String name, String from, String to, String problem)
            throws Exception {
        String resident = "70000000106";
        byte[] valid = switch (flow) {
            case "resident-card" -> SpecialTransferFiles.residentCard(SHINJUKU, resident, "C0000005", "ISSUED", "2024-04-01");
            case "card-check" -> SpecialTransferFiles.cardCheck("CHK-BAD-" + name, SHINJUKU, resident);
            case "transfer-out-certificate" -> SpecialTransferFiles.certificate("REG-BAD-" + name, resident, NAME, "大阪市", SHINJUKU, OSAKA);
            case "first-transfer-in" -> SpecialTransferFiles.firstTransferIn("N-BAD-" + name, resident, NAME, BIRTH, OSAKA, SHINJUKU);
            default -> throw new IllegalArgumentException(flow);
        };
        String xml = new String(valid, StandardCharsets.UTF_8);
        assertThat(xml).contains(from);
        byte[] bad = xml.replace(from, to).getBytes(StandardCharsets.UTF_8);
        String node = flow.equals("first-transfer-in") ? OSAKA : SHINJUKU;
        String file = "bad-" + name + ".xml";

        net.drop(node, flow, file, bad);

        Path error = net.node(node).legacyRoot().resolve("error").resolve(flow);
        await().atMost(WAIT).until(() -> Files.exists(error.resolve(file + ".error")) && Files.exists(error.resolve(file)));
        assertThat(error.resolve(file)).hasBinaryContent(bad);
        assertThat(Files.readString(error.resolve(file + ".error"), StandardCharsets.UTF_8))
                .contains("file: " + file).contains("flow: " + flow).contains(problem);
        assertThat(net.files(node, "outbox", "card-check")).noneMatch(p -> p.getFileName().toString().contains("BAD"));
        assertThat(net.browse(node, "jukibus.outbound")).isEmpty();
        assertThat(db(SHINJUKU).queryForObject("""
                SELECT (SELECT count(*) FROM resident_card_event WHERE resident_code = ?)
                     + (SELECT count(*) FROM transfer_out_certificate WHERE resident_code = ?)""",
                Integer.class, resident, resident)).as("nothing registered").isZero();
    }

    @Test
    @Order(6)
    void registrations_survive_a_restart_of_the_old_node() throws Exception {
        String resident = "70000000114";
        handle(SHINJUKU, "resident-card", "card-6.xml",
                SpecialTransferFiles.residentCard(SHINJUKU, resident, "C0000006", "ISSUED", "2025-02-03"));
        handle(SHINJUKU, "transfer-out-certificate", "reg-6.xml",
                SpecialTransferFiles.certificate("REG-6", resident, NAME, "大阪府大阪市西区 六丁目6番6号", SHINJUKU, OSAKA));

        net.stop(SHINJUKU);
        net.start(SHINJUKU);

        handle(SHINJUKU, "card-check", "check-6.xml", SpecialTransferFiles.cardCheck("CHK-6", SHINJUKU, resident));
        assertThat(outboxFile(SHINJUKU, "card-check", "CHK-6.xml")).contains("<Result>HOLDS_CARD</Result>")
                .contains("<CardNumber>C0000006</CardNumber>");
        net.drop(OSAKA, "first-transfer-in", "n-6.xml", SpecialTransferFiles.firstTransferIn("N-6", resident, NAME, BIRTH, OSAKA, SHINJUKU));
        assertThat(arrival(OSAKA, "transfer-out-certificate-info", "N-6")).contains("<Status>FOUND</Status>")
                .contains("<RegistrationId>REG-6</RegistrationId>").contains("六丁目6番6号");
    }

    @Test
    @Order(7)
    void none_of_it_reached_a_prefecture_or_central_node() throws Exception {
        List<String> messageIds = new ArrayList<>(net.deliveredIds(SHINJUKU, "first-transfer-in"));
        messageIds.addAll(net.deliveredIds(OSAKA, "transfer-out-certificate-info"));
        messageIds.addAll(net.deliveredIds(BUNKYO, "transfer-out-certificate-info"));
        assertThat(messageIds).hasSize(10); // 5 notices, 5 answers

        net.assertNeverCarried(List.of("13", "27", "central"), List.of("first-transfer-in", "transfer-out-certificate-info"),
                messageIds, SHINJUKU);
        for (String code : List.of(SHINJUKU, BUNKYO, OSAKA)) {
            assertThat(net.browse(code, "jukibus.dlq")).as("dead letters at %s", code).isEmpty();
        }
    }

    /**
     * Issue 14: a notice's message id is its sender's choice, so a municipality that uses another's id first must
     * neither block nor take the other's answer: the old municipality answers each notice on its own.
     */
    @Test
    @Order(8)
    void two_municipalities_sending_the_same_notice_message_id_each_get_their_own_answer() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        sendNotice(OSAKA, id, SpecialTransferFiles.firstTransferIn("N-8O", "70000000912", NAME, BIRTH, OSAKA, SHINJUKU));
        assertThat(arrival(OSAKA, "transfer-out-certificate-info", "N-8O")).contains("<Status>NOT_REGISTERED</Status>")
                .contains("<ResidentCode>70000000912</ResidentCode>");
        sendNotice(BUNKYO, id, SpecialTransferFiles.firstTransferIn("N-8B", "70000000904", NAME, BIRTH, BUNKYO, SHINJUKU));

        assertThat(arrival(BUNKYO, "transfer-out-certificate-info", "N-8B")).contains("<Status>NOT_REGISTERED</Status>")
                .contains("<ResidentCode>70000000904</ResidentCode>").contains("<NewMunicipality>131059</NewMunicipality>");
        assertThat(db(SHINJUKU).queryForList("SELECT new_municipality FROM certificate_info_answer WHERE notice_message_id = ?"
                + " ORDER BY new_municipality", String.class, id)).containsExactly(BUNKYO, OSAKA);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).as("nothing refused at the old municipality").isEmpty();
    }

    /** Seals a first transfer-in notice with {@code from}'s own keys under {@code messageId} and puts it on its outbound queue. */
    static void sendNotice(String from, String messageId, byte[] file) throws Exception {
        FirstTransferInNotice notice = Payloads.read(file, FirstTransferInNotice.class);
        net.context(from).getBean(FirstTransferInLog.class).sent(messageId, notice);
        byte[] envelope = net.context(from).getBean(NodeEnvelopes.class).seal(FirstTransferInNotice.TYPE, SHINJUKU, messageId,
                null, Payloads.document(notice));
        net.put(from, "jukibus.outbound", envelope, Map.of(Headers.MESSAGE_ID, messageId, Headers.TYPE, FirstTransferInNotice.TYPE,
                Headers.RECIPIENT, SHINJUKU, Headers.ADDRESS, "jukibus.inbound.first-transfer-in", Headers.DUPLICATE_ID, messageId));
    }

    /** Drops a local input and waits until the node took it (moved to sent/), failing with its report if it was refused. */
    static void handle(String code, String flow, String file, byte[] content) throws Exception {
        net.drop(code, flow, file, content);
        Path report = net.node(code).legacyRoot().resolve("error").resolve(flow).resolve(file + ".error");
        await().atMost(WAIT).until(() -> Files.exists(report)
                || net.files(code, "sent", flow).stream().anyMatch(p -> p.getFileName().toString().equals(file)));
        assertThat(report).as("%s refused", file).doesNotExist();
    }

    static String outboxFile(String code, String flow, String file) throws Exception {
        Path path = net.node(code).legacyRoot().resolve("outbox").resolve(flow).resolve(file);
        await().atMost(WAIT).until(() -> Files.exists(path));
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** The file in a node's outbox for a flow whose NoticeId is {@code noticeId}, once it arrives. */
    static String arrival(String code, String flow, String noticeId) throws Exception {
        String tag = "<NoticeId>" + noticeId + "</NoticeId>";
        List<String> found = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            found.clear();
            for (Path f : net.files(code, "outbox", flow)) {
                String xml = Files.readString(f, StandardCharsets.UTF_8);
                if (xml.contains(tag)) {
                    found.add(xml);
                }
            }
            return !found.isEmpty();
        });
        assertThat(found).as("%s files with %s", flow, tag).hasSize(1);
        return found.get(0);
    }

    /** The report in a node's error/first-transfer-in/ about the notice {@code noticeId}, once it is there. */
    static String report(String code, String noticeId) throws Exception {
        List<String> found = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            found.clear();
            for (Path f : net.files(code, "error", "first-transfer-in")) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (text.contains("notice: " + noticeId + "\n")) {
                    found.add(text);
                }
            }
            return !found.isEmpty();
        });
        assertThat(found).as("reports about %s", noticeId).hasSize(1);
        return found.get(0);
    }

    static String certificateOf(String info) {
        return info.replaceAll("(?s).*(<Certificate>.*</Certificate>).*", "$1");
    }

    static JdbcTemplate db(String code) {
        return new JdbcTemplate(net.context(code).getBean(DataSource.class));
    }
}
