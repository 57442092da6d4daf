package org.jukibus.flow.transferout;

import org.jukibus.store.TestStores;
import org.jukibus.core.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.jukibus.flow.identity.ChangeReason;
import org.jukibus.flow.identity.IdentityRecord;
import org.jukibus.flow.identity.IdentityStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prefecture's transfer-out notes ({@code transfer_out_annotation}, prefecture V101 and V190) on a real PostgreSQL:
 * a confirmation is named by its message id together with its sender, the old municipality (issue 14).
 */
class TransferOutAnnotationsTest {

    static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    static final String ID = "0b7c7a52-4c1e-8d33-9a5e-1f2e3d4c5b6a";
    static final String RESIDENT = "13101600011";

    static TransferOutAnnotations annotations;

    @BeforeAll
    static void start() throws Exception {
        DataSource ds = TestStores.fresh(NodeRole.PREFECTURE);
        new IdentityStore(new org.springframework.jdbc.core.JdbcTemplate(ds)).record("131041", "update-1", List.of(
                new IdentityStore.Item(1, new IdentityRecord(RESIDENT, "住基 太郎", null, "1980-01-15", "1", "東京都新宿区西新宿二丁目8番1号",
                        ChangeReason.BIRTH, "2026-11-01", "131041"))), T0);
        annotations = new TransferOutAnnotations(ds);
    }

    static TransferOutConfirmation confirmation(String oldMunicipality) {
        return new TransferOutConfirmation(RESIDENT, "住基 太郎", "1980-01-15", "新住所 一丁目1番1号", "2026-11-20", oldMunicipality,
                "131016", "13", "notice-of-" + oldMunicipality, "2026-11-21T00:00:00Z");
    }

    @Test
    void a_confirmation_id_used_first_by_another_municipality_does_not_make_the_real_one_count_as_noted() {
        // a hostile municipality sends a confirmation under the id the real old municipality's confirmation will carry
        assertThat(annotations.record(confirmation("131059"), ID, T0)).isEqualTo(TransferOutAnnotations.Outcome.RECORDED);

        assertThat(annotations.record(confirmation("131041"), ID, T0)).isEqualTo(TransferOutAnnotations.Outcome.RECORDED);
        assertThat(annotations.record(confirmation("131041"), ID, T0)).as("a redelivery")
                .isEqualTo(TransferOutAnnotations.Outcome.ALREADY_RECORDED);
        assertThat(annotations.of(RESIDENT)).extracting(TransferOutAnnotations.Annotation::oldMunicipality)
                .containsExactlyInAnyOrder("131059", "131041");
    }
}
