package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jukibus.flow.MessageIds;
import org.jukibus.flow.identity.ChangeReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A legacy file that cannot be sent moves to error/<flow>/ with a .error report beside it
 * naming the problem; nothing is sent and nothing is lost. One whose message left before a later step failed
 * says which, so that it is never sent twice.
 */
class InputErrorsIT {

    @Provisioned(value = {OSAKA_PREF, SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA})
    static TestNetwork net;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "short-resident-code | <ResidentCode>12345678903</ResidentCode> | <ResidentCode>1234567890</ResidentCode> | ResidentCode",
            "wrong-check-digit   | <ResidentCode>12345678903</ResidentCode> | <ResidentCode>12345678901</ResidentCode> | ResidentCode 12345678901 is not a resident code: its check digit is 1 but should be 3",
            "missing-name        | <Name>住基 太郎</Name>                    | ''                                       | Name",
            "unknown-recipient   | <OldMunicipality>271004</OldMunicipality> | <OldMunicipality>999997</OldMunicipality> | OldMunicipality 999997 is not in the node directory",
            "wrong-sender        | <NewMunicipality>131041</NewMunicipality> | <NewMunicipality>131016</NewMunicipality> | NewMunicipality is 131016 but this node is 131041",
            "to-itself           | <OldMunicipality>271004</OldMunicipality> | <OldMunicipality>131041</OldMunicipality> | is this node itself",
            "bad-date            | <BirthDate>1980-01-15</BirthDate>         | <BirthDate>1980-13-45</BirthDate>         | BirthDate",
    })
    void an_invalid_notice_is_moved_to_the_error_folder_with_a_report(String name, String from, String to, String problem) throws Exception {
        String xml = new String(Notices.transferIn("E-" + name, SAMPLE_RESIDENT, SHINJUKU, OSAKA), StandardCharsets.UTF_8);
        assertThat(xml).contains(from);
        assertRejected(name + ".xml", xml.replace(from, to).getBytes(StandardCharsets.UTF_8), problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not-xml     | this is not XML                                                        | MALFORMED",
            "xxe         | <!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>     | DTD",
            "other-type  | <Receipt xmlns=\"urn:jukibus:receipt:1\"/>                            | expected a TransferInNotice",
    })
    void a_file_that_is_not_a_notice_is_moved_to_the_error_folder_with_a_report(String name, String content, String problem) throws Exception {
        assertRejected(name + ".xml", content.getBytes(StandardCharsets.UTF_8), problem);
    }

    @Test
    void a_batch_with_one_wrong_resident_code_is_refused_whole_naming_the_record() throws Exception {
        byte[] batch = IdentityUpdateIT.batch(OSAKA, "27",
                IdentityUpdateIT.record(RESIDENT, ChangeReason.BIRTH, "2026-11-20", OSAKA),
                IdentityUpdateIT.record("70000000001", ChangeReason.BIRTH, "2026-11-20", OSAKA));
        net.drop(OSAKA, "identity-update", "batch.xml", batch);

        assertThat(net.awaitRejected(OSAKA, "identity-update", "batch.xml"))
                .contains("ResidentCode (the 2. of 2) 70000000001 is not a resident code: its check digit is 1 but should be 9");
        assertThat(net.browse(OSAKA, "jukibus.outbound")).isEmpty();
    }

    @Test
    void an_input_whose_message_left_before_a_later_step_failed_names_it_in_its_report_and_is_never_delivered_twice()
            throws Exception {
        String file = "sent-then-failed.xml";
        byte[] notice = Notices.transferIn("E-SENT-1", SAMPLE_RESIDENT, SHINJUKU, OSAKA);
        String id = MessageIds.forInput(SHINJUKU, notice);
        JdbcTemplate store = net.context(SHINJUKU).getBean(JdbcTemplate.class);
        // the ledger line after the send fails, as on a full disk of the store
        store.execute("CREATE FUNCTION test_ledger_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.outcome = 'QUEUED' AND NEW.file_name = '" + file + "' AND NEW.detail IS NULL THEN"
                + " RAISE EXCEPTION 'could not extend file: No space left on device (test)'; END IF; RETURN NEW; END $$");
        store.execute("CREATE TRIGGER test_ledger_full BEFORE INSERT ON transfer_ledger FOR EACH ROW EXECUTE FUNCTION test_ledger_full()");
        String report;
        try {
            net.drop(SHINJUKU, "transfer-in", file, notice);
            report = net.awaitRejected(SHINJUKU, "transfer-in", file);
        } finally {
            store.execute("DROP TRIGGER test_ledger_full ON transfer_ledger");
            store.execute("DROP FUNCTION test_ledger_full()");
        }

        assertThat(report).contains("code: SENT_NOT_RECORDED").contains("No space left on device")
                .contains("sent: message " + id + " to " + OSAKA + " (NoticeId E-SENT-1)")
                .containsPattern("do-not-send-again: .*do not correct this file nor send them again");
        await().atMost(Duration.ofSeconds(60)).until(() -> net.deliveredIds(OSAKA, "transfer-in").contains(id));

        // the legacy side "corrects" it (same NoticeId, another field): refused as a duplicate of what was sent
        String corrected = "sent-then-failed-corrected.xml";
        net.drop(SHINJUKU, "transfer-in", corrected, new String(notice, StandardCharsets.UTF_8)
                .replace("<Name>住基 太郎</Name>", "<Name>住基 次郎</Name>").getBytes(StandardCharsets.UTF_8));
        assertThat(net.awaitRejected(SHINJUKU, "transfer-in", corrected)).contains("code: DUPLICATE")
                .contains("NoticeId E-SENT-1").contains("sent as message " + id);

        // the cause fixed, the same file dropped again as the report says: it goes to sent/, nothing arrives twice
        net.drop(SHINJUKU, "transfer-in", file, notice);
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "sent", "transfer-in").stream()
                .anyMatch(f -> f.getFileName().toString().equals(file)));
        await().atMost(Duration.ofSeconds(60)).until(() -> net.browse(SHINJUKU, "jukibus.outbound").isEmpty());
        Thread.sleep(2000); // a second copy would have arrived by now
        assertThat(net.deliveredIds(OSAKA, "transfer-in")).containsOnlyOnce(id).hasSize(1);
        assertThat(net.browse(OSAKA, "jukibus.dlq")).as("the copy was dropped before the receiver, not refused there as a REPLAY")
                .isEmpty();

        // the legacy system takes it (the other tests expect an empty outbox)
        for (Path delivered : net.files(OSAKA, "outbox", "transfer-in")) {
            Files.delete(delivered);
        }
    }

    private static void assertRejected(String file, byte[] content, String problem) throws Exception {
        net.drop(SHINJUKU, "transfer-in", file, content);
        String report = net.awaitRejected(SHINJUKU, "transfer-in", file);

        assertThat(net.node(SHINJUKU).legacyRoot().resolve("error").resolve("transfer-in").resolve(file)).hasBinaryContent(content);
        assertThat(report).contains("file: " + file).contains(problem);
        assertThat(report).doesNotContain("root:x:0:0"); // an XXE never read the file
        assertThat(net.files(SHINJUKU, "inbox", "transfer-in")).isEmpty();
        assertThat(net.browse(SHINJUKU, "jukibus.outbound")).isEmpty();
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
    }
}
