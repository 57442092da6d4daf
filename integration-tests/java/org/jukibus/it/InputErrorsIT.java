package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.jukibus.flow.identity.ChangeReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A legacy file that cannot be sent moves to error/<flow>/ with a .error report beside it
 * naming the problem; nothing is sent and nothing is lost.
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
