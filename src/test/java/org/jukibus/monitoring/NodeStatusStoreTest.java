package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Central's node status tables (db/migration/central/V100) and the statements on them, on a real PostgreSQL. */
class NodeStatusStoreTest {

    static final Duration SILENCE = Duration.ofMinutes(3);
    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    static EmbeddedPostgres pg;
    static NodeStatusStore store;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration/central").load().migrate();
        store = new NodeStatusStore(new JdbcTemplate(pg.getPostgresDatabase()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    static NodeHeartbeat heartbeat(String node, Instant sentAt, String health, long loginsRefused) {
        return new NodeHeartbeat(node, "municipal", sentAt.toString(), health,
                List.of(new NodeHeartbeat.Component("broker", "UP"), new NodeHeartbeat.Component("routes", health)),
                List.of(new NodeHeartbeat.Queue("jukibus.outbound", 3), new NodeHeartbeat.Queue("jukibus.inbound.transfer-in", 2),
                        new NodeHeartbeat.Queue("jukibus.inbound.receipt", 1), new NodeHeartbeat.Queue("jukibus.dlq", 4)),
                4, 1000, "2028-11-26T09:00:00Z", new NodeHeartbeat.SecurityCounts(loginsRefused, 0));
    }

    @Test
    void a_heartbeat_is_summarised_and_an_older_one_changes_nothing() {
        store.list("131016", "municipal", T0);
        store.recordHeartbeat(heartbeat("131016", T0.plusSeconds(60), "UP", 0), "h2", T0.plusSeconds(61), SILENCE);
        store.recordHeartbeat(heartbeat("131016", T0.plusSeconds(30), "DOWN", 0), "h1", T0.plusSeconds(62), SILENCE);

        NodeStatusRow row = store.all().get("131016");
        assertThat(row.state()).isEqualTo(NodeState.UNKNOWN);
        assertThat(row.health()).isEqualTo("UP");
        assertThat(row.lastHeartbeatAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(row.outboundDepth()).isEqualTo(3);
        assertThat(row.inboundDepth()).isEqualTo(3);
        assertThat(row.deadLetters()).isEqualTo(4);
        assertThat(row.components()).isEqualTo("broker=UP routes=UP");
        assertThat(row.certificateNotAfter()).isEqualTo(Instant.parse("2028-11-26T09:00:00Z"));
    }

    @Test
    void health_changes_and_returns_after_silence_are_noted() {
        store.recordHeartbeat(heartbeat("131041", T0.plusSeconds(1), "UP", 0), "a", T0.plusSeconds(1), SILENCE);
        assertThat(store.all().get("131041").resumedAt()).as("first heard").isEqualTo(T0.plusSeconds(1));
        store.recordHeartbeat(heartbeat("131041", T0.plusSeconds(61), "DOWN", 0), "b", T0.plusSeconds(61), SILENCE);
        store.recordHeartbeat(heartbeat("131041", T0.plusSeconds(121), "DOWN", 0), "c", T0.plusSeconds(121), SILENCE);
        NodeStatusRow row = store.all().get("131041");
        assertThat(row.healthSince()).isEqualTo(T0.plusSeconds(61));
        assertThat(row.resumedAt()).isEqualTo(T0.plusSeconds(1));

        // ten minutes without a heartbeat, then one
        store.recordHeartbeat(heartbeat("131041", T0.plusSeconds(721), "DOWN", 0), "d", T0.plusSeconds(721), SILENCE);
        assertThat(store.all().get("131041").resumedAt()).isEqualTo(T0.plusSeconds(721));
    }

    @Test
    void a_state_changes_only_from_the_state_it_was_read_in_and_history_is_written_once() {
        store.list("131059", "municipal", T0);
        assertThat(store.changeState("131059", NodeState.UNKNOWN, NodeState.SILENT, T0)).isTrue();
        assertThat(store.changeState("131059", NodeState.UNKNOWN, NodeState.SILENT, T0)).as("already changed").isFalse();
        store.list("131059", "municipal", T0.plusSeconds(5));
        assertThat(store.all().get("131059").state()).as("listing again keeps the state").isEqualTo(NodeState.SILENT);

        NodeStatusStore.Event event = new NodeStatusStore.Event("131059", "SILENT", T0, T0.plusSeconds(200), "no heartbeat",
                List.of("id-1", "id-2"));
        store.recordEvent("131059/SILENT/" + T0, event, T0.plusSeconds(200));
        store.recordEvent("131059/SILENT/" + T0, event, T0.plusSeconds(201)); // repeated after a crash

        List<NodeStatusStore.Event> history = store.events("131059", 10);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).alertIds()).containsExactly("id-1", "id-2");
        assertThat(history.get(0).at()).isEqualTo(T0);
    }
}
