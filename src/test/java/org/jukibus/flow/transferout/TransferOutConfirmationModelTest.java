package org.jukibus.flow.transferout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** The Jackson model and the XSD of the transfer-out confirmation describe the same documents. */
class TransferOutConfirmationModelTest {

    private final XmlMapper xml = new XmlMapper();

    @Test
    void a_confirmation_written_from_the_model_is_valid_and_reads_back() throws Exception {
        TransferOutConfirmation c = new TransferOutConfirmation("12345678903", "住基 花子", "1985-04-01",
                "東京都文京区本郷七丁目3番1号", "2026-11-20", "131041", "131059", "13",
                "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", "2026-11-21T00:30:00Z");

        byte[] written = xml.writeValueAsBytes(c);

        assertThatCode(() -> Schemas.validate(TransferOutConfirmation.SCHEMA, SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, TransferOutConfirmation.class)).isEqualTo(c);
    }

    @Test
    void the_documented_sample_is_valid_and_reads_into_the_model() throws Exception {
        byte[] sample = Files.readAllBytes(Path.of("docs/samples/transfer-out-confirmation.xml"));
        Schemas.validate(TransferOutConfirmation.SCHEMA, SecureXml.parse(sample));

        TransferOutConfirmation c = xml.readValue(sample, TransferOutConfirmation.class);

        assertThat(c.oldMunicipality()).isEqualTo("131041");
        assertThat(c.prefecture()).isEqualTo("13");
        assertThat(c.transferInMessageId()).isNull();
    }

    @Test
    void a_prefecture_code_outside_01_to_47_and_a_time_without_zone_are_invalid() throws Exception {
        String sample = Files.readString(Path.of("docs/samples/transfer-out-confirmation.xml"), StandardCharsets.UTF_8);
        for (String bad : new String[]{
                sample.replace("<Prefecture>13</Prefecture>", "<Prefecture>48</Prefecture>"),
                sample.replaceAll("<ConfirmedAt>[^<]+</ConfirmedAt>", "<ConfirmedAt>2026-11-21T09:30:00</ConfirmedAt>")}) {
            assertThatThrownBy(() -> Schemas.validate(TransferOutConfirmation.SCHEMA,
                    SecureXml.parse(bad.getBytes(StandardCharsets.UTF_8)))).isInstanceOf(XmlRejectedException.class);
        }
    }
}
