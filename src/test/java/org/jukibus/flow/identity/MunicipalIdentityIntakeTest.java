package org.jukibus.flow.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.ResidentCode;
import org.jukibus.xml.Schemas;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** How a municipality's legacy file is checked and split into messages (no store involved). */
class MunicipalIdentityIntakeTest {

    private final MunicipalIdentityIntake intake = new MunicipalIdentityIntake("131041", 2, null, null, null, Clock.systemUTC());

    @Test
    void a_batch_larger_than_the_batch_size_is_split_in_order_into_valid_messages() throws Exception {
        LegacyInput input = input(5, "131041");

        List<Document> parts = intake.split(input);

        assertThat(parts).hasSize(3);
        List<String> codes = new ArrayList<>();
        for (Document part : parts) {
            Schemas.validate(IdentityUpdate.SCHEMA, part);
            IdentityUpdate update = Payloads.read(part, IdentityUpdate.class);
            assertThat(update.sender()).isEqualTo("131041");
            assertThat(update.recipient()).isEqualTo("13");
            update.records().forEach(r -> codes.add(r.residentCode()));
        }
        assertThat(Payloads.read(parts.get(2), IdentityUpdate.class).records()).hasSize(1);
        assertThat(codes).containsExactly(ResidentCode.of(7000000000L), ResidentCode.of(7000000001L), ResidentCode.of(7000000002L),
                ResidentCode.of(7000000003L), ResidentCode.of(7000000004L));
    }

    @Test
    void a_batch_within_the_batch_size_is_sent_as_it_is() throws Exception {
        LegacyInput input = input(2, "131041");

        assertThat(intake.split(input)).containsExactly(input.payload());
    }

    @Test
    void a_record_of_another_municipality_refuses_the_file_naming_the_record() throws Exception {
        LegacyInput input = input(3, "131016");

        assertThatThrownBy(() -> intake.check(input)).isInstanceOf(LegacyInputException.class)
                .hasMessageContaining("Record 3: Municipality is 131016 but this municipality is 131041");
    }

    @Test
    void parts_have_distinct_ids_derived_from_the_file() {
        String file = MessageIds.forInput("131041", new byte[] {1, 2, 3});

        assertThat(MessageIds.partOf(file, 1)).isEqualTo(MessageIds.partOf(file, 1)).isNotEqualTo(MessageIds.partOf(file, 2))
                .isNotEqualTo(file);
    }

    /** {@code n} records of this municipality, the last one recorded by {@code lastMunicipality}. */
    private static LegacyInput input(int n, String lastMunicipality) throws Exception {
        List<IdentityRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(IdentityPayloadsTest.record(ResidentCode.of(7000000000L + i), ChangeReason.BIRTH, i == n - 1 ? lastMunicipality : "131041"));
        }
        Document payload = Payloads.document(new IdentityUpdate("131041", "13", records));
        return new LegacyInput(IdentityFlow.UPDATE, "batch.xml", payload, "id", "13");
    }
}
