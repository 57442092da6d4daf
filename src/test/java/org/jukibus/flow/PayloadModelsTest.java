package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jukibus.flow.transferin.TransferInNotice;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** The Jackson payload models and the XSDs describe the same documents, in both directions. */
class PayloadModelsTest {

    private final XmlMapper xml = new XmlMapper();

    @Test
    void a_transfer_in_notice_written_from_the_model_is_valid_against_its_schema() throws Exception {
        TransferInNotice notice = new TransferInNotice("N-1", "12345678903", "住基 花子", "ジュウキ ハナコ", "1985-04-01", "2",
                "東京都新宿区西新宿二丁目8番1号", "2026-11-20", "大阪府大阪市北区中之島一丁目3番20号", "131041", "271004", null, null);

        byte[] written = xml.writeValueAsBytes(notice);

        assertThatCode(() -> Schemas.validate("transfer-in-notice.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, TransferInNotice.class)).isEqualTo(notice);
    }

    @Test
    void the_documented_sample_reads_into_the_model() throws Exception {
        byte[] sample = Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml"));
        Schemas.validate("transfer-in-notice.xsd", SecureXml.parse(sample));

        TransferInNotice notice = xml.readValue(sample, TransferInNotice.class);

        assertThat(notice.newMunicipality()).isEqualTo("131041");
        assertThat(notice.oldMunicipality()).isEqualTo("271004");
        assertThat(notice.name()).isEqualTo("住基 花子");
    }

    @Test
    void a_receipt_written_from_the_model_is_valid_against_its_schema() throws Exception {
        Receipt receipt = new Receipt("0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", "2026-11-25T10:00:00Z", "271004", Receipt.DELIVERED, null, null);

        byte[] written = xml.writeValueAsBytes(receipt);

        assertThatCode(() -> Schemas.validate("receipt.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, Receipt.class)).isEqualTo(receipt);
    }
}
