package org.jukibus.flow.certificatecopy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The home municipality's received certificate copy requests ({@code certificate_copy_received}, municipal V100 and
 * V190) on a real PostgreSQL: a request is named by its message id together with its sender (issue 14).
 */
class ReceivedRequestsTest {

    static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    static final String ID = "0b7c7a52-4c1e-8d33-9a5e-1f2e3d4c5b6a";

    static ReceivedRequests received;

    @BeforeAll
    static void start() throws Exception {
        DataSource ds = TestStores.fresh(NodeRole.MUNICIPAL);
        received = new ReceivedRequests(new JdbcTemplate(ds));
    }

    @Test
    void a_request_id_used_first_by_another_municipality_neither_hides_nor_answers_the_real_request() {
        CertificateCopyRequest.CopyItems items = new CertificateCopyRequest.CopyItems("requester", false, false);
        // a hostile municipality sends a request under the id first
        received.record(ID, "REQ-H", "131059", T0, items);
        received.record(ID, "REQ-1", "131041", T0, items);
        received.record(ID, "REQ-1", "131041", T0.plusSeconds(5), items); // a redelivery adds nothing

        assertThat(received.of("131041", "REQ-1")).singleElement().satisfies(r -> {
            assertThat(r.messageId()).isEqualTo(ID);
            assertThat(r.receivedAt()).isEqualTo(T0);
        });
        assertThat(received.markAnswered("131059", ID, "reply-to-hostile", T0)).isTrue();
        assertThat(received.of("131041", "REQ-1").get(0).answered()).as("the other's answer is not this one's").isFalse();
        assertThat(received.markAnswered("131041", ID, "reply-1", T0)).isTrue();
        assertThat(received.of("131041", "REQ-1").get(0).replyMessageId()).isEqualTo("reply-1");
    }
}
