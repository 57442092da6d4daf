package org.jukibus.flow.provisionreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jukibus.envelope.PayloadTypes;
import org.jukibus.flow.Flows;
import org.jukibus.flow.ResidentCode;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;

/** The provision report's definition as the registries collect it, and what its schema accepts. */
class ProvisionReportFlowTest {

    private static final Path SAMPLE = Path.of("docs/samples/provision-report.xml");

    @Test
    void the_registries_find_the_flow_and_its_schema() {
        assertThat(Flows.standard().byName("provision-report")).isSameAs(ProvisionReportFlow.REPORT);
        assertThat(PayloadTypes.defaults().schemaFor("ProvisionReport")).contains("provision-report.xsd");
        assertThat(PayloadTypes.defaults().find("ProvisionReport").orElseThrow().rootNamespace())
                .isEqualTo("urn:jukibus:provision-report:1");
    }

    @Test
    void the_sample_is_valid_and_its_resident_codes_carry_their_check_digit() throws Exception {
        var sample = SecureXml.parse(Files.readAllBytes(SAMPLE));
        Schemas.validate("provision-report.xsd", sample);
        assertThat(ResidentCode.firstWrong(sample)).isEmpty();
    }

    @Test
    void a_report_without_its_prefecture_or_with_a_municipality_as_recipient_is_refused() throws Exception {
        String sample = Files.readString(SAMPLE, StandardCharsets.UTF_8);
        String noPrefecture = sample.replace("<Prefecture>13</Prefecture>", "");
        String municipality = sample.replace("<Prefecture>13</Prefecture>", "<Prefecture>131041</Prefecture>");
        for (String xml : new String[] {noPrefecture, municipality}) {
            assertThatThrownBy(() -> Schemas.validate("provision-report.xsd", SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8))))
                    .hasMessageContaining("Prefecture");
        }
    }
}
