package org.jukibus.flow.specialtransfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.specialtransfer.CertificateAnswerLog.Entry;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The old municipality's answer log ({@code certificate_info_answer}, municipal V110 and V190) on a real PostgreSQL:
 * a first transfer-in notice is named by its message id and its sender together (issue 14).
 */
class CertificateAnswerLogTest {

    static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    static final String NOTICE = "0b7c7a52-4c1e-8d33-9a5e-1f2e3d4c5b6a";

    static CertificateAnswerLog log;

    @BeforeAll
    static void start() throws Exception {
        DataSource ds = TestStores.fresh(NodeRole.MUNICIPAL);
        log = new CertificateAnswerLog(new JdbcTemplate(ds));
    }

    static Entry answer(String newMunicipality, String residentCode, Status status, List<String> mismatches) {
        return new Entry(MessageIds.answerOf(SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE_INFO.name(), newMunicipality, NOTICE),
                NOTICE, "notice-of-" + newMunicipality, newMunicipality, residentCode, status, null, mismatches, T0);
    }

    @Test
    void two_senders_with_the_same_notice_message_id_each_get_their_own_answer() {
        // a hostile municipality sends its notice under the id first...
        Entry hostile = log.recordOnce(answer("132012", "13104100028", Status.MISMATCH, List.of("name")));
        assertThat(log.forNotice("131041", NOTICE)).isEmpty();
        // ...and the real new municipality's notice with that id is answered on its own
        Entry own = log.recordOnce(answer("131041", "13101600011", Status.NOT_REGISTERED, List.of()));

        assertThat(own.newMunicipality()).isEqualTo("131041");
        assertThat(own.residentCode()).isEqualTo("13101600011");
        assertThat(own.status()).isEqualTo(Status.NOT_REGISTERED);
        assertThat(own.answerMessageId()).isNotEqualTo(hostile.answerMessageId());
        assertThat(log.forNotice("132012", NOTICE).orElseThrow()).isEqualTo(hostile);
        assertThat(log.forNotice("131041", NOTICE).orElseThrow()).isEqualTo(own);
        // one answer per notice: a redelivered notice decided again keeps the answer recorded first
        assertThat(log.recordOnce(answer("131041", "13101600011", Status.MISMATCH, List.of("name")))).isEqualTo(own);
    }
}
