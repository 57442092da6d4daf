package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 世帯員に関する付記転出届 and 最初の世帯員に関する転入届 (household members in the special transfer,
 * 第6の5(1)(5)) between two real municipal nodes: Shinjuku registers a card holder's transfer-out certificate
 * info with two household members; Osaka's first transfer-in notice asks for the holder, one registered member
 * and one member Shinjuku does not hold, and names the card its counter collected. Shinjuku answers with the
 * certificate info of exactly the persons asked for (the unknown member NOT_REGISTERED, the member not asked
 * for absent); Osaka reports the unknown member to its counter and records the collected card.
 */
class HouseholdTransferIT {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final String HOLDER = "71000000013";
    static final String CHILD = "71000000021";     // registered, asked for
    static final String UNKNOWN = "71000000030";   // asked for, not in the registration
    static final String NOT_ASKED = "71000000048"; // registered, not asked for
    static final String HOLDER_NAME = "住基 一郎";

    @TempDir
    static Path root;
    static TestNetwork net;

    @BeforeAll
    static void startNetwork() throws Exception {
        net = TestNetwork.provision(root, SHINJUKU, OSAKA).start(SHINJUKU, OSAKA);
        SpecialTransferIT.net = net; // its helpers (handle, arrival, report, db) read its static network
    }

    @AfterAll
    static void stopNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void the_old_municipality_answers_for_exactly_the_household_members_asked_for_and_the_card_is_collected() throws Exception {
        byte[] registration = SpecialTransferFiles.with(
                SpecialTransferFiles.certificate("REG-H1", HOLDER, HOLDER_NAME, "大阪府大阪市北区中之島一丁目3番20号", SHINJUKU, OSAKA),
                "TransferOutCertificate", SpecialTransferFiles.registeredMember(CHILD, "住基 花子", "子")
                        + SpecialTransferFiles.registeredMember(NOT_ASKED, "住基 次郎", "子"));
        SpecialTransferIT.handle(SHINJUKU, "transfer-out-certificate", "reg-h1.xml", registration);
        String card = "JK" + HOLDER.substring(3);

        byte[] notice = SpecialTransferFiles.with(
                SpecialTransferFiles.firstTransferIn("N-H1", HOLDER, HOLDER_NAME, "1975-06-15", OSAKA, SHINJUKU),
                "FirstTransferInNotice", SpecialTransferFiles.askedMember(CHILD, "住基　花子", "子") // a full-width space
                        + SpecialTransferFiles.askedMember(UNKNOWN, "住基 三郎", "子")
                        + "<CollectedCardNumber>" + card + "</CollectedCardNumber>");
        net.drop(OSAKA, "first-transfer-in", "n-h1.xml", notice);

        String info = SpecialTransferIT.arrival(OSAKA, "transfer-out-certificate-info", "N-H1");
        assertThat(info).contains("<Status>FOUND</Status>").contains("<RegistrationId>REG-H1</RegistrationId>");
        List<String> members = members(info);
        assertThat(members).as("exactly the members asked for, in the notice's order").hasSize(2);
        assertThat(members.get(0)).contains("<ResidentCode>" + CHILD + "</ResidentCode>").contains("<Status>FOUND</Status>")
                .contains("<Name>住基 花子</Name>").contains("<BirthDate>2005-04-01</BirthDate>")
                .contains("<Relationship>子</Relationship>");
        assertThat(members.get(1)).contains("<ResidentCode>" + UNKNOWN + "</ResidentCode>")
                .contains("<Status>NOT_REGISTERED</Status>").doesNotContain("<Name>");
        assertThat(info).as("a registered member not asked for is not sent").doesNotContain(NOT_ASKED).doesNotContain("住基 次郎");

        // the counter is told, clearly, which member could not be answered
        String report = SpecialTransferIT.report(OSAKA, "N-H1");
        assertThat(report).contains("status: FOUND")
                .contains("household-members: " + UNKNOWN + " NOT_REGISTERED: not among the household members")
                .doesNotContain(CHILD);

        // 第6の5(5): the collected card in Osaka's card register, and reported in its outbox
        List<Map<String, Object>> events = SpecialTransferIT.db(OSAKA).queryForList(
                "SELECT resident_code, status, status_date::text AS status_date FROM resident_card_event WHERE card_number = ?", card);
        assertThat(events).singleElement().satisfies(e -> assertThat(e).containsEntry("resident_code", HOLDER)
                .containsEntry("status", "RETURNED").containsEntry("status_date", "2026-12-01"));
        assertThat(SpecialTransferIT.outboxFile(OSAKA, "resident-card", "N-H1-collected.xml"))
                .contains("<CardNumber>" + card + "</CardNumber>").contains("<Status>RETURNED</Status>")
                .contains("<ResidentCode>" + HOLDER + "</ResidentCode>").contains("<Municipality>" + OSAKA + "</Municipality>");

        // the registration keeps both members at the old municipality
        assertThat(SpecialTransferIT.db(SHINJUKU).queryForList("""
                SELECT m.resident_code FROM transfer_out_certificate_member m JOIN transfer_out_certificate c ON c.id = m.certificate_id
                WHERE c.registration_id = 'REG-H1' ORDER BY m.position""", String.class)).containsExactly(CHILD, NOT_ASKED);
        for (String code : List.of(SHINJUKU, OSAKA)) {
            assertThat(net.browse(code, "jukibus.dlq")).as("dead letters at %s", code).isEmpty();
        }
    }

    @Test
    void a_notice_naming_a_member_twice_is_refused_with_a_report_and_not_sent() throws Exception {
        byte[] notice = SpecialTransferFiles.with(
                SpecialTransferFiles.firstTransferIn("N-H2", HOLDER, HOLDER_NAME, "1975-06-15", OSAKA, SHINJUKU),
                "FirstTransferInNotice", SpecialTransferFiles.askedMember(CHILD, "住基 花子", "子")
                        + SpecialTransferFiles.askedMember(CHILD, "住基 花子", "子"));
        net.drop(OSAKA, "first-transfer-in", "n-h2.xml", notice);

        Path error = net.node(OSAKA).legacyRoot().resolve("error").resolve("first-transfer-in").resolve("n-h2.xml.error");
        await().atMost(SpecialTransferIT.WAIT).until(() -> Files.exists(error));
        assertThat(Files.readString(error, StandardCharsets.UTF_8)).contains("HouseholdMember " + CHILD + " is listed twice");
        assertThat(SpecialTransferIT.db(OSAKA).queryForObject(
                "SELECT count(*) FROM first_transfer_in_sent WHERE notice_id = 'N-H2'", Integer.class)).isZero();
    }

    /** The HouseholdMember elements of an answer, in order. */
    private static List<String> members(String info) {
        return java.util.regex.Pattern.compile("(?s)<HouseholdMember>.*?</HouseholdMember>").matcher(info).results()
                .map(java.util.regex.MatchResult::group).toList();
    }
}
