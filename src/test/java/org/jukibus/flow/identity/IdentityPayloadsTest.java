package org.jukibus.flow.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jukibus.flow.Payloads;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;

/** The identity update's and update-count list's models and schemas describe the same documents; bad input is named. */
class IdentityPayloadsTest {

    static IdentityRecord record(String residentCode, ChangeReason reason, String municipality) {
        return new IdentityRecord(residentCode, "住基 太郎", null, "1980-01-15", "1", "東京都新宿区西新宿二丁目8番1号", reason,
                "2026-11-20", municipality);
    }

    @Test
    void an_update_written_from_the_model_is_valid_and_reads_back() throws Exception {
        IdentityUpdate update = new IdentityUpdate("131041", "13",
                List.of(record("12345678903", ChangeReason.TRANSFER_IN, "131041"), record("12345678911", ChangeReason.DEATH, "131041")));

        byte[] written = Payloads.bytes(update);

        assertThatCode(() -> Schemas.validate(IdentityUpdate.SCHEMA, SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(Payloads.read(written, IdentityUpdate.class)).isEqualTo(update);
    }

    @Test
    void an_update_read_off_its_validated_document_is_the_model_jackson_reads() throws Exception {
        IdentityRecord withKana = new IdentityRecord("12345678911", "住基 花子", "ジュウキ ハナコ", "1985-04-01", "2",
                "東京都新宿区西新宿二丁目8番1号", ChangeReason.BIRTH, "2026-11-21", "131041");
        IdentityUpdate update = new IdentityUpdate("131041", "13",
                List.of(record("12345678903", ChangeReason.TRANSFER_IN, "131041"), withKana));
        byte[] written = Payloads.bytes(update); // indented: white space between the elements

        assertThat(IdentityUpdate.of(SecureXml.parse(written))).isEqualTo(Payloads.read(written, IdentityUpdate.class)).isEqualTo(update);
    }

    @Test
    void dates_with_the_white_space_xs_date_collapses_are_read_without_it() throws Exception {
        String xml = new String(Payloads.bytes(new IdentityUpdate("131041", "13",
                List.of(record("12345678903", ChangeReason.TRANSFER_IN, "131041")))), StandardCharsets.UTF_8)
                .replace("<BirthDate>1980-01-15</BirthDate>", "<BirthDate> 1980-01-15\n</BirthDate>");
        assertThat(xml).contains("<BirthDate> 1980-01-15\n</BirthDate>");
        var document = SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        Schemas.validate(IdentityUpdate.SCHEMA, document); // valid: the schema collapses a date's white space

        assertThat(IdentityUpdate.of(document).records().get(0).birthDate()).isEqualTo("1980-01-15");
    }

    @Test
    void an_update_count_list_written_from_the_model_is_valid_and_reads_back() throws Exception {
        UpdateCountList list = new UpdateCountList("13", "131041", "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", 3,
                List.of(new UpdateCountList.Count(ChangeReason.BIRTH, 2, 1)),
                List.of(new UpdateCountList.Refusal(2, ChangeReason.BIRTH, "OTHER_PREFECTURE", "its municipality 271004 ...")));

        byte[] written = Payloads.bytes(list);

        assertThatCode(() -> Schemas.validate(UpdateCountList.SCHEMA, SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(Payloads.read(written, UpdateCountList.class)).isEqualTo(list);
    }

    @Test
    void the_documented_sample_is_valid() throws Exception {
        byte[] sample = Files.readAllBytes(Path.of("docs/samples/identity-update.xml"));
        Schemas.validate(IdentityUpdate.SCHEMA, SecureXml.parse(sample));

        IdentityUpdate update = Payloads.read(sample, IdentityUpdate.class);

        assertThat(update.records()).hasSize(2);
        assertThat(update.records().get(1).changeReason()).isEqualTo(ChangeReason.BIRTH);
    }

    @Test
    void a_bad_resident_code_is_refused_naming_the_field() throws Exception {
        String bad = sample().replace("<ResidentCode>12345678911</ResidentCode>", "<ResidentCode>1234567891X</ResidentCode>");

        assertThatThrownBy(() -> Schemas.validate(IdentityUpdate.SCHEMA, SecureXml.parse(bad.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("ResidentCode");
    }

    @Test
    void an_unknown_change_reason_is_refused_naming_the_field() throws Exception {
        String bad = sample().replace("<ChangeReason>BIRTH</ChangeReason>", "<ChangeReason>MARRIAGE</ChangeReason>");

        assertThatThrownBy(() -> Schemas.validate(IdentityUpdate.SCHEMA, SecureXml.parse(bad.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("ChangeReason");
    }

    @Test
    void an_update_without_records_is_refused() throws Exception {
        String bad = sample().replaceAll("(?s)<Record>.*</Record>", "");

        assertThatThrownBy(() -> Schemas.validate(IdentityUpdate.SCHEMA, SecureXml.parse(bad.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("Record");
    }

    private static String sample() throws Exception {
        return Files.readString(Path.of("docs/samples/identity-update.xml"), StandardCharsets.UTF_8);
    }
}
