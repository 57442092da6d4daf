package org.jukibus.flow.changeinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Change info in commit order, against central's real store: a record whose transaction commits after a later-inserted
 * one is handed on all the same, each record once, whatever its recorded_at says.
 */
class ChangeInfoBatchesTest {

    static DataSource store;
    static ChangeInfoBatches batches;

    @BeforeAll
    static void start() throws Exception {
        // a database of the tests' shared server: ChangeInfoBatches reads the server-wide snapshot horizon, so no other
        // test may leave a write transaction open on it (none does; test classes run one after another)
        store = TestStores.fresh(NodeRole.CENTRAL);
        batches = new ChangeInfoBatches(new JdbcTemplate(store), new TransactionTemplate(new DataSourceTransactionManager(store)),
                null, event -> { }, 500);
    }

    @Test
    void a_record_committed_after_a_later_inserted_one_is_handed_on_and_each_only_once() throws Exception {
        List<String> handedOn = new ArrayList<>();
        try (Connection slow = store.getConnection(); Connection fast = store.getConnection()) {
            slow.setAutoCommit(false);
            fast.setAutoCommit(false);
            insert(slow, "10000000006", Instant.parse("2026-12-01T00:00:00Z")); // the lower id, its transaction stays open
            insert(fast, "10000000014", Instant.parse("2026-12-01T00:00:01Z"));
            fast.commit();

            takeAll(handedOn);
            assertThat(handedOn).as("nothing after a transaction still open").isEmpty();

            slow.commit();
        }
        // recorded far in the future (a clock drill moved forward): no reason to hold it back
        try (Connection drill = store.getConnection()) {
            insert(drill, "20000000001", Instant.parse("2031-01-01T00:00:00Z"));
        }
        takeAll(handedOn);
        takeAll(handedOn);

        assertThat(handedOn).containsExactly("10000000006", "10000000014", "20000000001");
    }

    /**
     * A store restored from a backup into another PostgreSQL ({@code jukibus node restore} copies rows) carries
     * transaction ids that server has not reached yet: its waiting records are handed on all the same.
     */
    @Test
    void a_waiting_record_restored_from_another_server_is_handed_on() throws Exception {
        List<String> handedOn = new ArrayList<>();
        takeAll(handedOn);
        handedOn.clear();
        try (Connection c = store.getConnection()) {
            insert(c, "30000000007", Instant.parse("2026-12-02T00:00:00Z"));
            try (PreparedStatement s = c.prepareStatement(
                    "update identity_record set recorded_xact = '4000000000000'::xid8 where resident_code = '30000000007'")) {
                s.executeUpdate();
            }
        }
        takeAll(handedOn);
        takeAll(handedOn);

        assertThat(handedOn).containsExactly("30000000007");
    }

    /** Takes and advances batches until none is left, as the route does; notes the resident codes handed on. */
    private static void takeAll(List<String> handedOn) {
        for (ChangeInfoBatches.Batch batch = batches.next(); batch != null; batch = batches.next()) {
            batch.changes().forEach(c -> handedOn.add(c.residentCode()));
            Exchange sent = new DefaultExchange(new DefaultCamelContext());
            sent.setProperty(ChangeInfoBatches.BATCH_END, batch.end());
            sent.getIn().setBody(List.of());
            batches.advance(sent);
        }
    }

    private static void insert(Connection c, String residentCode, Instant recordedAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into identity_record (resident_code, name, birth_date, sex, address, change_reason, change_date,
                                             municipality_code, recorded_at)
                values (?, '住基 太郎', date '1980-01-15', '1', '東京都新宿区', 'ADDRESS_CHANGE', date '2026-12-01', '131041', ?)""")) {
            s.setString(1, residentCode);
            s.setTimestamp(2, Timestamp.from(recordedAt));
            s.executeUpdate();
        }
    }
}
