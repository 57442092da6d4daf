package org.jukibus.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.Period;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The records of messages handled go after the retention, on every role that has them; one still waiting stays. */
class MessageRecordsErasureTest {

    static final Instant OLD = Instant.parse("2021-03-01T10:00:00Z");
    static final Instant RECENT = Instant.parse("2026-11-01T10:00:00Z");
    static final Instant AS_OF = Instant.parse("2026-12-06T00:00:00Z"); // more than 5 years after OLD

    @Test
    void identity_updates_sent_and_received_with_their_counts_and_outcomes_go_after_the_retention() {
        DataSource store = TestStores.fresh(NodeRole.PREFECTURE);
        JdbcTemplate jdbc = new JdbcTemplate(store);
        for (String id : new String[] {"old", "recent"}) {
            Timestamp at = Timestamp.from(id.equals("old") ? OLD : RECENT);
            jdbc.update("insert into identity_update_sent (message_id, recipient, record_count, sent_at, reconciled_at)"
                    + " values (?, '00', 2, ?, ?)", id, at, at);
            jdbc.update("insert into identity_update_sent_count (message_id, change_reason, records) values (?, 'BIRTH', 2)", id);
            jdbc.update("insert into identity_reconciliation (message_id, outcome, detail, checked_at) values (?, 'OK', '', ?)", id, at);
            jdbc.update("insert into identity_update_received (message_id, sender, received_at, record_count, recorded, refused,"
                    + " count_list) values (?, '131041', ?, 2, 2, 0, ?)", id, at, new byte[] {1});
        }

        int erased = erasure(store).eraseAsOf(AS_OF);

        assertThat(erased).isEqualTo(4);
        for (String table : new String[] {"identity_update_sent", "identity_update_sent_count", "identity_reconciliation",
                "identity_update_received"}) {
            assertThat(jdbc.queryForList("select message_id from " + table, String.class)).as(table).containsExactly("recent");
        }
    }

    @Test
    void an_identity_update_sent_that_is_not_reconciled_stays_however_old() {
        DataSource store = TestStores.fresh(NodeRole.PREFECTURE);
        JdbcTemplate jdbc = new JdbcTemplate(store);
        jdbc.update("insert into identity_update_sent (message_id, recipient, record_count, sent_at) values ('missing', '00', 2, ?)",
                Timestamp.from(OLD));
        jdbc.update("insert into identity_update_sent_count (message_id, change_reason, records) values ('missing', 'BIRTH', 2)");
        jdbc.update("insert into identity_reconciliation (message_id, outcome, detail, checked_at)"
                + " values ('missing', 'MISSING', 'no update-count list', ?)", Timestamp.from(OLD));

        assertThat(erasure(store).eraseAsOf(AS_OF)).isZero();

        for (String table : new String[] {"identity_update_sent", "identity_update_sent_count", "identity_reconciliation"}) {
            assertThat(jdbc.queryForList("select message_id from " + table, String.class)).as(table).containsExactly("missing");
        }
    }

    @Test
    void central_forgets_old_node_status_history() {
        DataSource store = TestStores.fresh(NodeRole.CENTRAL);
        JdbcTemplate jdbc = new JdbcTemplate(store);
        for (String key : new String[] {"old", "recent"}) {
            Timestamp at = Timestamp.from(key.equals("old") ? OLD : RECENT);
            jdbc.update("insert into node_status_event (event_key, node, status, at, recorded_at, detail) values (?, '131041',"
                    + " 'SILENT', ?, ?, 'no heartbeat')", key, at, at);
        }

        erasure(store).eraseAsOf(AS_OF);

        assertThat(jdbc.queryForList("select event_key from node_status_event", String.class)).containsExactly("recent");
    }

    @Test
    void the_liaison_forgets_change_info_the_authority_accepted_long_ago_but_keeps_what_still_waits() {
        DataSource store = TestStores.fresh(NodeRole.LIAISON);
        JdbcTemplate jdbc = new JdbcTemplate(store);
        jdbc.update("insert into ca_delivery (message_id, entries, first_seen_at, delivered_at) values ('old', 1, ?, ?)",
                Timestamp.from(OLD), Timestamp.from(OLD));
        jdbc.update("insert into ca_delivery (message_id, entries, first_seen_at) values ('old-waiting', 1, ?)", Timestamp.from(OLD));
        jdbc.update("insert into ca_delivery (message_id, entries, first_seen_at, delivered_at) values ('recent', 1, ?, ?)",
                Timestamp.from(RECENT), Timestamp.from(RECENT));

        erasure(store).eraseAsOf(AS_OF);

        assertThat(jdbc.queryForList("select message_id from ca_delivery order by message_id", String.class))
                .containsExactly("old-waiting", "recent");
    }

    static MessageRecordsErasure erasure(DataSource store) {
        return new MessageRecordsErasure(new JdbcTemplate(store), new TransactionTemplate(new DataSourceTransactionManager(store)),
                Period.ofYears(5));
    }
}
