package org.jukibus.flow.changeinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** Which identity record changes the certification authority learns of, and how much of each. */
class ChangeKindTest {

    private final XmlMapper xml = new XmlMapper();

    @ParameterizedTest
    @CsvSource({"TRANSFER_IN, MOVE", "TRANSFER_OUT, MOVE", "ADDRESS_CHANGE, MOVE", "DEATH, DEATH",
            "NAME_CHANGE, NAME_CHANGE", "DELETION, DELETION"})
    void changes_that_concern_a_certificate_map_to_a_kind(String reason, ChangeKind kind) {
        assertThat(ChangeKind.of(reason)).contains(kind);
    }

    @ParameterizedTest
    @CsvSource({"BIRTH", "REGISTRATION", "CORRECTION", "SOMETHING_NEW"})
    void births_registrations_corrections_and_unknown_reasons_are_not_sent(String reason) {
        assertThat(ChangeKind.of(reason)).isEmpty();
        assertThat(ChangeInfo.Change.of("12345678903", reason, "住基 太郎", "東京都千代田区1-1", "2026-11-01")).isNull();
    }

    @Test
    void a_change_carries_only_the_new_item_its_kind_is_about() {
        String name = "住基 花子";
        String address = "東京都新宿区西新宿二丁目8番1号";
        assertThat(ChangeInfo.Change.of("12345678903", "ADDRESS_CHANGE", name, address, "2026-11-01"))
                .isEqualTo(new ChangeInfo.Change("12345678903", ChangeKind.MOVE, null, address, "2026-11-01"));
        assertThat(ChangeInfo.Change.of("12345678903", "NAME_CHANGE", name, address, "2026-11-01"))
                .isEqualTo(new ChangeInfo.Change("12345678903", ChangeKind.NAME_CHANGE, name, null, "2026-11-01"));
        assertThat(ChangeInfo.Change.of("12345678903", "DEATH", name, address, "2026-11-01"))
                .isEqualTo(new ChangeInfo.Change("12345678903", ChangeKind.DEATH, null, null, "2026-11-01"));
    }

    @Test
    void change_info_written_from_the_model_is_valid_against_its_schema_and_reads_back() throws Exception {
        ChangeInfo info = new ChangeInfo(List.of(
                new ChangeInfo.Change("12345678903", ChangeKind.MOVE, null, "東京都新宿区西新宿二丁目8番1号", "2026-11-01"),
                new ChangeInfo.Change("12345678920", ChangeKind.DEATH, null, null, "2026-11-02")));

        byte[] written = xml.writeValueAsBytes(info);

        assertThatCode(() -> Schemas.validate("change-info.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, ChangeInfo.class)).isEqualTo(info);
    }

    @Test
    void the_schema_refuses_a_change_info_without_changes() throws Exception {
        byte[] empty = "<ChangeInfo xmlns=\"urn:jukibus:change-info:1\"/>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Schemas.validate("change-info.xsd", SecureXml.parse(empty))).isInstanceOf(XmlRejectedException.class);
    }
}
