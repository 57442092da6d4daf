package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.clock.MovableClock;
import org.jukibus.store.TestStores;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.flow.Answer;
import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Central's node status on a real PostgreSQL: the tables (db/migration/central/V100) and the
 * statements on them, and the status board's checks and alerts on top.
 */
class CentralStatusTest {

    static final Duration SILENCE = Duration.ofMinutes(3);
    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    static NodeStatusStore store;
    @TempDir
    static Path caDir;
    static CertificateAuthority ca;

    @BeforeAll
    static void start() throws Exception {
        store = new NodeStatusStore(new JdbcTemplate(TestStores.fresh(NodeRole.CENTRAL)));
    }

    static NodeHeartbeat heartbeat(String node, Instant sentAt, String health, long loginsRefused) {
        return new NodeHeartbeat(node, "municipal", sentAt.toString(), health,
                List.of(new NodeHeartbeat.Component("broker", "UP"), new NodeHeartbeat.Component("routes", health)),
                List.of(new NodeHeartbeat.Queue("jukibus.outbound", 3), new NodeHeartbeat.Queue("jukibus.inbound.transfer-in", 2),
                        new NodeHeartbeat.Queue("jukibus.inbound.receipt", 1), new NodeHeartbeat.Queue("jukibus.dlq", 4)),
                4, 1000, "2028-11-26T09:00:00Z", new NodeHeartbeat.SecurityCounts(loginsRefused, 0, 0));
    }

    /** Records a heartbeat that reports no security events; true if it is the node's latest now. */
    static boolean record(NodeHeartbeat heartbeat, String id, Instant receivedAt) {
        return store.recordHeartbeat(heartbeat, id, receivedAt, SILENCE, (added, alert, episode) -> {
            throw new AssertionError("no security events: " + added);
        }).latest();
    }

    @Test
    void a_heartbeat_is_summarised_and_an_older_one_changes_nothing() {
        store.list("131016", "municipal", T0);
        record(heartbeat("131016", T0.plusSeconds(60), "UP", 0), "h2", T0.plusSeconds(61));
        record(heartbeat("131016", T0.plusSeconds(30), "DOWN", 0), "h1", T0.plusSeconds(62));

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
        record(heartbeat("131041", T0.plusSeconds(1), "UP", 0), "a", T0.plusSeconds(1));
        assertThat(store.all().get("131041").resumedAt()).as("first heard").isEqualTo(T0.plusSeconds(1));
        record(heartbeat("131041", T0.plusSeconds(61), "DOWN", 0), "b", T0.plusSeconds(61));
        record(heartbeat("131041", T0.plusSeconds(121), "DOWN", 0), "c", T0.plusSeconds(121));
        NodeStatusRow row = store.all().get("131041");
        assertThat(row.healthSince()).isEqualTo(T0.plusSeconds(61));
        assertThat(row.resumedAt()).isEqualTo(T0.plusSeconds(1));

        // ten minutes without a heartbeat, then one
        record(heartbeat("131041", T0.plusSeconds(721), "DOWN", 0), "d", T0.plusSeconds(721));
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

    /** LifetimeAlerts records DISK_LOW since the disk bound; V170's list of statuses lacked it until V441. */
    @Test
    void a_disk_low_alert_fits_the_history() {
        store.recordEvent("131067/DISK_LOW/2026-11-26", new NodeStatusStore.Event("131067", "DISK_LOW", T0, T0, "1024 MiB free",
                List.of("id-1")), T0);
        assertThat(store.events("131067", 10)).extracting(NodeStatusStore.Event::status).containsExactly("DISK_LOW");
    }

    // --- the status board ---

    static NodeEntry entry(NodeRole role, String code) throws Exception {
        if (ca == null) {
            ca = CertificateAuthority.create(caDir, "Test CA", "ca-password".toCharArray());
        }
        Endpoint e = new Endpoint("127.0.0.1", 1);
        KeyMaterial keys = ca.issueKeyMaterial(new NodeIdentity(role, code, "node " + code), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        return new NodeEntry(role, code, "node " + code, null, e, e, keys.certificate());
    }

    @SuppressWarnings("unchecked")
    static List<Answer> check(StatusBoard board, Exchange exchange) throws Exception {
        board.check(exchange);
        return exchange.getIn().getBody(List.class);
    }

    static NodeHeartbeat beat(String node, String role, Instant at, long loginsRefused) {
        return new NodeHeartbeat(node, role, at.toString(), "UP", List.of(), List.of(), 0, 0, "2028-11-26T09:00:00Z",
                new NodeHeartbeat.SecurityCounts(loginsRefused, 0, 0));
    }

    @Test
    void the_board_alerts_the_prefecture_and_the_node_once_per_change_with_the_same_ids_when_asked_again() throws Exception {
        NodeDirectory directory = new NodeDirectory(1, T0, List.of(entry(NodeRole.CENTRAL, "central"),
                entry(NodeRole.PREFECTURE, "13"), entry(NodeRole.MUNICIPAL, "131041"), entry(NodeRole.MUNICIPAL, "131059")));
        MovableClock clock = new MovableClock(T0);
        StatusBoard board = new StatusBoard("central", directory, new NodeStatusStore(new JdbcTemplate(TestStores.fresh(NodeRole.CENTRAL))),
                clock, SILENCE);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());

        clock.now = T0.plusSeconds(10);
        for (String[] n : new String[][] {{"central", "central"}, {"13", "prefecture"}, {"131041", "municipal"}, {"131059", "municipal"}}) {
            board.record(beat(n[0], n[1], clock.now, 0), "first-" + n[0], clock.now);
        }
        clock.now = T0.plusSeconds(11);
        assertThat(check(board, exchange)).as("first heard: no alert").isEmpty();
        board.recordChanges(exchange);
        assertThat(board.getStateCounts()).containsEntry("OK", 4L);

        // everyone but 131059 keeps beating; then it has been silent for longer than silence-after
        clock.now = T0.plusSeconds(150);
        for (String[] n : new String[][] {{"central", "central"}, {"13", "prefecture"}, {"131041", "municipal"}}) {
            board.record(beat(n[0], n[1], clock.now, 0), "second-" + n[0], clock.now);
        }
        clock.now = T0.plusSeconds(10 + 181);
        List<Answer> alerts = check(board, exchange);
        assertThat(alerts).extracting(Answer::recipient).containsExactly("13", "131059");
        assertThat(alerts).allSatisfy(a -> assertThat(a.flow()).isEqualTo(MonitoringFlows.NODE_STATUS));
        // central crashed before recording: the same check finds the same change, with the same ids
        clock.now = clock.now.plusSeconds(5);
        List<Answer> again = check(board, new DefaultExchange(new DefaultCamelContext()));
        assertThat(again).extracting(Answer::messageId).containsExactlyElementsOf(alerts.stream().map(Answer::messageId).toList());
        board.recordChanges(exchange);
        assertThat(board.list()).filteredOn(m -> m.get("code").equals("131059"))
                .singleElement().satisfies(m -> assertThat(m.get("state")).isEqualTo("SILENT"));

        clock.now = clock.now.plusSeconds(60);
        assertThat(check(board, new DefaultExchange(new DefaultCamelContext()))).as("still silent: no second alert").isEmpty();
        assertThat(board.events("131059", 10)).first().satisfies(e -> {
            assertThat(e.get("status")).isEqualTo("SILENT");
            assertThat((String) e.get("alerts")).contains(alerts.get(0).messageId());
        });
    }

    @Test
    void after_a_drill_moved_every_clock_forward_and_back_heartbeats_count_again_and_a_node_that_stops_goes_silent() throws Exception {
        NodeDirectory directory = new NodeDirectory(1, T0, List.of(entry(NodeRole.CENTRAL, "central"), entry(NodeRole.PREFECTURE, "13"),
                entry(NodeRole.MUNICIPAL, "131016")));
        MovableClock clock = new MovableClock(T0);
        NodeStatusStore drillStore = new NodeStatusStore(new JdbcTemplate(TestStores.fresh(NodeRole.CENTRAL)));
        StatusBoard board = new StatusBoard("central", new org.jukibus.directory.LiveDirectory(() -> directory), drillStore, clock, SILENCE);
        String[][] nodes = {{"central", "central"}, {"13", "prefecture"}, {"131016", "municipal"}};
        // the drill: every clock 40 days ahead, heartbeats recorded there
        clock.now = T0.plus(Duration.ofDays(40));
        for (String[] n : nodes) {
            board.record(beat(n[0], n[1], clock.now, 0), "drill-" + n[0], clock.now);
        }
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        check(board, exchange);
        board.recordChanges(exchange);

        // every clock back; the municipality beats once more, then stops
        clock.now = T0.plusSeconds(60);
        for (String[] n : nodes) {
            board.record(beat(n[0], n[1], clock.now, 0), "back-" + n[0], clock.now);
        }
        assertThat(drillStore.all().get("131016").lastHeartbeatAt()).as("the heartbeat after the drill is recorded")
                .isEqualTo(clock.now);
        Instant lastBeat = clock.now;
        clock.now = clock.now.plus(SILENCE).plusSeconds(1);
        for (String[] n : new String[][] {nodes[0], nodes[1]}) {
            board.record(beat(n[0], n[1], clock.now, 0), "later-" + n[0], clock.now);
        }
        exchange = new DefaultExchange(new DefaultCamelContext());
        List<Answer> alerts = check(board, exchange);
        board.recordChanges(exchange);
        assertThat(alerts).extracting(Answer::recipient).contains("131016");
        assertThat(board.list()).filteredOn(m -> m.get("code").equals("131016")).singleElement()
                .satisfies(m -> assertThat(m.get("state")).isEqualTo("SILENT"));
        assertThat(board.events("131016", 10)).first()
                .satisfies(e -> assertThat((String) e.get("detail")).contains("no heartbeat since " + lastBeat));
    }

    @Test
    void a_node_whose_clock_ran_ahead_and_was_corrected_is_recorded_again_at_once() {
        store.list("131032", "municipal", T0);
        record(heartbeat("131032", T0.plus(Duration.ofHours(2)), "UP", 0), "ahead", T0);

        assertThat(record(heartbeat("131032", T0.plusSeconds(60), "DOWN", 0), "corrected", T0.plusSeconds(60)))
                .isTrue();
        assertThat(store.all().get("131032").health()).isEqualTo("DOWN");
        assertThat(record(heartbeat("131032", T0.plusSeconds(30), "UP", 0), "late", T0.plusSeconds(61)))
                .as("an older heartbeat delivered late still changes nothing").isFalse();
    }

    @Test
    void a_node_a_later_directory_adds_is_watched_from_then_and_goes_silent_if_it_never_beats() throws Exception {
        NodeDirectory first = new NodeDirectory(1, T0, List.of(entry(NodeRole.CENTRAL, "central"), entry(NodeRole.PREFECTURE, "13")));
        java.util.concurrent.atomic.AtomicReference<NodeDirectory> inForce = new java.util.concurrent.atomic.AtomicReference<>(first);
        MovableClock clock = new MovableClock(T0);
        StatusBoard board = new StatusBoard("central", new org.jukibus.directory.LiveDirectory(inForce::get),
                new NodeStatusStore(new JdbcTemplate(TestStores.fresh(NodeRole.CENTRAL))), clock, SILENCE);
        for (String[] n : new String[][] {{"central", "central"}, {"13", "prefecture"}}) {
            board.record(beat(n[0], n[1], clock.now, 0), "first-" + n[0], clock.now);
        }
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        assertThat(check(board, exchange)).isEmpty();
        board.recordChanges(exchange);

        // a day later a merged municipality is published; its node never sends a heartbeat
        clock.now = T0.plus(Duration.ofDays(1));
        inForce.set(new NodeDirectory(2, clock.now, List.of(entry(NodeRole.CENTRAL, "central"), entry(NodeRole.PREFECTURE, "13"),
                entry(NodeRole.MUNICIPAL, "131237"))));
        for (String[] n : new String[][] {{"central", "central"}, {"13", "prefecture"}}) {
            board.record(beat(n[0], n[1], clock.now, 0), "day2-" + n[0], clock.now);
        }
        exchange = new DefaultExchange(new DefaultCamelContext());
        assertThat(check(board, exchange)).as("just listed: not silent yet, though central started a day ago").isEmpty();
        board.recordChanges(exchange);
        assertThat(board.list()).filteredOn(m -> m.get("code").equals("131237")).singleElement()
                .satisfies(m -> assertThat(m.get("state")).isEqualTo("UNKNOWN"));

        clock.now = clock.now.plus(SILENCE).plusSeconds(1);
        for (String[] n : new String[][] {{"central", "central"}, {"13", "prefecture"}}) {
            board.record(beat(n[0], n[1], clock.now, 0), "day2b-" + n[0], clock.now);
        }
        exchange = new DefaultExchange(new DefaultCamelContext());
        List<Answer> alerts = check(board, exchange);
        assertThat(alerts).extracting(Answer::recipient).contains("131237");
        board.recordChanges(exchange);
        assertThat(board.list()).filteredOn(m -> m.get("code").equals("131237")).singleElement()
                .satisfies(m -> assertThat(m.get("state")).isEqualTo("SILENT"));
        assertThat(board.events("131237", 10)).first()
                .satisfies(e -> assertThat((String) e.get("detail")).contains("listed in the directory at " + T0.plus(Duration.ofDays(1))));
    }

    @Test
    void security_events_are_announced_to_the_prefecture_and_the_node_and_never_to_central() throws Exception {
        StatusBoard board = securityBoard();

        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", T0);
        List<Answer> municipal = board.securityAlerts(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1");
        assertThat(municipal).extracting(Answer::recipient).containsExactly("13", "131041");
        assertThat(board.securityAlerts(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1")).extracting(Answer::messageId)
                .as("a redelivered heartbeat makes the same alerts").containsExactlyElementsOf(municipal.stream().map(Answer::messageId).toList());
        board.record(totals("13", T0, 1, 0, 0, STORE_A), "hb-2", T0);
        assertThat(board.securityAlerts(totals("13", T0, 1, 0, 0, STORE_A), "hb-2")).extracting(Answer::recipient).containsExactly("13");
        board.record(totals("central", T0, 1, 0, 0, STORE_A), "hb-3", T0);
        assertThat(board.securityAlerts(totals("central", T0, 1, 0, 0, STORE_A), "hb-3")).isEmpty();
        board.record(totals("131041", T0.plusSeconds(60), 2, 0, 0, STORE_A), "hb-4", T0.plusSeconds(60));
        assertThat(board.securityAlerts(totals("131041", T0.plusSeconds(60), 2, 0, 0, STORE_A), "hb-4"))
                .as("nothing new since hb-1").isEmpty();

        assertThat(municipal.get(0).payload().getDocumentElement().getTextContent()).contains("2 refused login(s), 0 denied permission(s) and 0 refused message(s)");
        assertThat(board.events("131041", 10)).extracting(e -> e.get("alerts"))
                .as("the history names the alerts sent").contains(String.join(",", municipal.stream().map(Answer::messageId).toList()));

        board.record(totals("131041", T0.plusSeconds(120), 3, 0, 0, STORE_A), "hb-5", T0.plusSeconds(120));
        assertThat(board.securityAlerts(totals("131041", T0.plusSeconds(120), 3, 0, 0, STORE_A), "hb-5"))
                .as("more of the episode hb-1 began: no alert").isEmpty();
        assertThat(detail(board, totals("131041", T0.plusSeconds(120), 3, 0, 0, STORE_A), "hb-5"))
                .contains("1 refused login(s), 0 denied permission(s) and 0 refused message(s)")
                .contains("no alert; the episode since " + T0 + ": 3 refused login(s), 0 denied permission(s), 0 refused message(s) in all");
    }

    /**
     * Review H1: an open episode of refused logins (which anyone reaching the port can keep open) must not hide a peer's
     * refused messages: a kind the episode had not seen alerts at once, with the episode's totals; more of it does not.
     */
    @Test
    void a_new_kind_of_security_event_in_an_open_episode_alerts_again() throws Exception {
        StatusBoard board = securityBoard();
        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", T0);
        board.record(totals("131041", T0.plusSeconds(60), 3, 0, 0, STORE_A), "hb-2", T0.plusSeconds(60));
        assertThat(board.securityAlerts(totals("131041", T0.plusSeconds(60), 3, 0, 0, STORE_A), "hb-2")).isEmpty();

        NodeHeartbeat refused = totals("131041", T0.plusSeconds(120), 3, 0, 1, STORE_A);
        board.record(refused, "hb-3", T0.plusSeconds(120));
        List<Answer> alerts = board.securityAlerts(refused, "hb-3");
        assertThat(alerts).extracting(Answer::recipient).containsExactly("13", "131041");
        assertThat(alerts).extracting(CentralStatusTest::status).containsOnly("SECURITY_EVENTS");
        assertThat(alerts.get(0).payload().getDocumentElement().getTextContent())
                .contains("a new kind of security event in the episode: 0 refused login(s), 0 denied permission(s) and 1 refused message(s)")
                .contains("the episode since " + T0 + ": 3 refused login(s), 0 denied permission(s), 1 refused message(s) in all");

        NodeHeartbeat more = totals("131041", T0.plusSeconds(180), 4, 0, 3, STORE_A);
        board.record(more, "hb-4", T0.plusSeconds(180));
        assertThat(board.securityAlerts(more, "hb-4")).as("both kinds seen in the episode").isEmpty();
        NodeHeartbeat denied = totals("131041", T0.plusSeconds(240), 4, 1, 3, STORE_A);
        board.record(denied, "hb-5", T0.plusSeconds(240));
        assertThat(board.securityAlerts(denied, "hb-5")).as("the third kind").hasSize(2);
    }

    /**
     * Review H1: a trickle keeps the episode open; an attack in it that adds more than ten times the episode's rate in
     * one interval (and at least the floor) alerts again; the same rate going on does not, only another doubling.
     */
    @Test
    void a_sharp_rise_in_an_open_episode_alerts_again_once() throws Exception {
        MovableClock clock = new MovableClock(T0);
        StatusBoard board = securityBoard(clock);
        long logins = 0;
        int alerts = 0;
        for (int minute = 0; minute < 30; minute++) { // one refused login a minute: the episode's rate
            alerts += beatAll(board, clock, minute, ++logins, 0).size();
        }
        assertThat(alerts).as("the episode's beginning").isEqualTo(2);
        List<Answer> surge = beatAll(board, clock, 30, logins += EpisodeAlert.SURGE_FLOOR - 1, 0);
        assertThat(surge).as("99 in one interval: under the floor").isEmpty();
        surge = beatAll(board, clock, 31, logins += 300, 0);
        assertThat(surge).extracting(Answer::recipient).containsExactly("13", "131041");
        assertThat(surge.get(0).payload().getDocumentElement().getTextContent())
                .contains("a sharp rise of security events in the episode: 300 refused login(s)")
                .contains((logins) + " refused login(s), 0 denied permission(s), 0 refused message(s) in all");
        for (int minute = 32; minute < 40; minute++) {
            assertThat(beatAll(board, clock, minute, logins += 300, 0)).as("the same rate goes on").isEmpty();
        }
        assertThat(beatAll(board, clock, 40, logins += 1000, 0)).as("ten times the rate, more than twice the largest interval")
                .hasSize(2);
    }

    /**
     * Review H1: one event an hour keeps an episode open for ever; it alerts once in each day of it, with the totals
     * since it began: a trickle every 59 minutes for three days makes three alerts, not one, and never two in a day.
     */
    @Test
    void an_episode_kept_open_for_days_is_reminded_of_once_a_day() throws Exception {
        MovableClock clock = new MovableClock(T0);
        StatusBoard board = securityBoard(clock, StatusBoard.DEFAULT_SECURITY_QUIET_AFTER);
        List<Instant> alerted = new java.util.ArrayList<>();
        long logins = 0;
        for (int minute = 0; minute < 3 * 24 * 60; minute += 59) {
            clock.now = T0.plus(Duration.ofMinutes(minute));
            NodeHeartbeat h = totals("131041", clock.now, ++logins, 0, 0, STORE_A);
            board.record(h, "hb-" + minute, clock.now);
            if (!board.securityAlerts(h, "hb-" + minute).isEmpty()) {
                alerted.add(clock.now);
            }
        }
        assertThat(alerted).as("the beginning, then the first event of each later day of the episode")
                .containsExactly(T0, T0.plus(Duration.ofMinutes(25 * 59)), T0.plus(Duration.ofMinutes(49 * 59)));
        assertThat(detail(board, totals("131041", alerted.get(2), 50, 0, 0, STORE_A), "reminder"))
                .startsWith("the episode of security events goes on: 1 refused login(s)")
                .contains("the episode since " + T0 + ": 50 refused login(s), 0 denied permission(s), 0 refused message(s) in all");
    }

    /**
     * analysis-months12 M1: one SECURITY_EVENTS alert per episode, not per heartbeat. An hour of heartbeats each adding a
     * refused login (an expired scraping certificate refused at every scrape) makes one alert and a history line per
     * heartbeat interval; heartbeats adding none for the quiet time end it (RECOVERED, once, with the same ids when the
     * check is repeated after a crash); the next rise alerts again. Another node's events neither end nor begin it.
     */
    @Test
    void security_events_are_announced_once_per_episode_and_the_quiet_end_once() throws Exception {
        MovableClock clock = new MovableClock(T0);
        StatusBoard board = securityBoard(clock);
        int minute = 0;
        long logins = 0;
        int alerts = 0;
        List<Answer> quiet = new java.util.ArrayList<>();
        for (; minute <= 60; minute++) { // the episode: one more refused login a minute
            alerts += beatAll(board, clock, minute, ++logins, 0).size();
            quiet.addAll(checked(board));
        }
        assertThat(alerts).as("the episode's first heartbeat only, to the prefecture and the node").isEqualTo(2);
        assertThat(quiet).isEmpty();
        assertThat(board.events("131041", 1000)).filteredOn(e -> e.get("status").equals("SECURITY_EVENTS"))
                .as("the history keeps every interval's counts").hasSize(61)
                .filteredOn(e -> !((String) e.get("alerts")).isEmpty()).hasSize(1);

        // a hostile prefecture node reports events of its own meanwhile: its own episode, to itself only
        assertThat(beatAll(board, clock, minute, logins, 5)).extracting(Answer::recipient).containsExactly("13");
        for (minute++; minute < 60 + QUIET.toMinutes(); minute++) { // steady: 131041's last event was at minute 60
            assertThat(beatAll(board, clock, minute, logins, 5)).isEmpty();
            assertThat(checked(board)).isEmpty();
        }
        beatAll(board, clock, minute, logins, 5);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        List<Answer> ended = check(board, exchange);
        assertThat(ended).extracting(Answer::recipient).containsExactly("13", "131041");
        assertThat(ended).extracting(CentralStatusTest::status).containsOnly("RECOVERED");
        assertThat(ended.get(0).payload().getDocumentElement().getTextContent()).contains("security events quiet")
                .contains("the episode since " + T0 + ": 61 refused login(s), 0 denied permission(s), 0 refused message(s) in all");
        assertThat(check(board, new DefaultExchange(new DefaultCamelContext()))).as("central crashed before recording: the same ids")
                .extracting(Answer::messageId).containsExactlyElementsOf(ended.stream().map(Answer::messageId).toList());
        board.recordChanges(exchange);
        assertThat(checked(board)).as("once").isEmpty();
        assertThat(board.events("131041", 1)).singleElement().satisfies(e -> {
            assertThat(e.get("status")).isEqualTo("SECURITY_QUIET");
            assertThat(e.get("alerts")).isEqualTo(String.join(",", ended.stream().map(Answer::messageId).toList()));
        });

        // a new episode is announced again, under new ids
        minute++;
        List<Answer> again = beatAll(board, clock, minute, logins + 3, 5);
        assertThat(again).extracting(Answer::recipient).containsExactly("13", "131041");
        assertThat(again.get(0).payload().getDocumentElement().getTextContent()).contains("3 refused login(s)");
        assertThat(checked(board)).as("13's own episode ended, to 13 only").singleElement().satisfies(a -> {
            assertThat(a.recipient()).isEqualTo("13");
            assertThat(status(a)).isEqualTo("RECOVERED");
        });
        // the node goes silent: silence is not quiet, its episode stays open
        clock.now = T0.plus(Duration.ofMinutes(minute)).plus(QUIET).plus(SILENCE);
        assertThat(checked(board)).extracting(CentralStatusTest::status).containsOnly("SILENT");
    }

    static final Duration QUIET = Duration.ofMinutes(10);

    /**
     * Every node's heartbeat at {@code minute}, 131041 with {@code logins} refused in total, 13 with {@code prefecture};
     * the security alerts they make.
     */
    static List<Answer> beatAll(StatusBoard board, MovableClock clock, int minute, long logins, long prefecture) throws Exception {
        clock.now = T0.plus(Duration.ofMinutes(minute));
        List<Answer> out = new java.util.ArrayList<>();
        for (NodeHeartbeat h : List.of(totals("central", clock.now, 0, 0, 0, STORE_A), totals("13", clock.now, prefecture, 0, 0, STORE_B),
                totals("131041", clock.now, logins, 0, 0, STORE_A))) {
            board.record(h, h.node() + "-" + minute, clock.now);
            out.addAll(board.securityAlerts(h, h.node() + "-" + minute));
        }
        return out;
    }

    /** A status check, recorded: its alerts. */
    static List<Answer> checked(StatusBoard board) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        List<Answer> alerts = check(board, exchange);
        board.recordChanges(exchange);
        return alerts;
    }

    static String status(Answer alert) {
        return alert.payload().getElementsByTagNameNS(NodeStatusAlert.NS, "Status").item(0).getTextContent();
    }

    /**
     * M1: central no longer records heartbeats as seen (HeartbeatRecorder#replayChangesNothing), so a replayed heartbeat
     * is delivered again instead of refused: days later, the latest one and an older one change nothing on the board,
     * count no security events again and make only the alerts (same ids) their first delivery made.
     */
    @Test
    void a_heartbeat_replayed_days_later_changes_nothing() throws Exception {
        StatusBoard board = securityBoard();
        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", T0);
        List<String> alertIds = board.securityAlerts(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1").stream()
                .map(Answer::messageId).toList();
        board.record(totals("131041", T0.plusSeconds(60), 3, 0, 0, STORE_A), "hb-2", T0.plusSeconds(60));
        var row = board.list().stream().filter(m -> m.get("code").equals("131041")).findFirst().orElseThrow();
        var events = board.events("131041", 10);

        Instant later = T0.plus(Duration.ofDays(3));
        board.record(totals("131041", T0.plusSeconds(60), 3, 0, 0, STORE_A), "hb-2", later);
        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", later.plusSeconds(1));

        assertThat(board.list()).filteredOn(m -> m.get("code").equals("131041")).singleElement()
                .as("not heard from since: a replay does not make it look alive").isEqualTo(row);
        assertThat(board.events("131041", 10)).isEqualTo(events);
        assertThat(board.securityAlerts(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1")).extracting(Answer::messageId)
                .containsExactlyElementsOf(alertIds);
    }

    @Test
    void security_events_of_a_heartbeat_dropped_on_the_way_are_counted_by_the_next_one_once() throws Exception {
        StatusBoard board = securityBoard();
        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", T0);
        // hb-2 (totals 5 refused logins, 1 denied permission) never arrives: dropped after its time to live

        board.record(totals("131041", T0.plusSeconds(120), 6, 1, 0, STORE_A), "hb-3", T0.plusSeconds(120));
        assertThat(detail(board, totals("131041", T0.plusSeconds(120), 6, 1, 0, STORE_A), "hb-3"))
                .contains("4 refused login(s), 1 denied permission(s) and 0 refused message(s)");
        // hb-3 redelivered (its delivery rolled back after the store's commit): the same alerts, nothing counted twice
        board.record(totals("131041", T0.plusSeconds(120), 6, 1, 0, STORE_A), "hb-3", T0.plusSeconds(121));
        assertThat(detail(board, totals("131041", T0.plusSeconds(120), 6, 1, 0, STORE_A), "hb-3")).contains("4 refused login(s)");
        // hb-2 delivered late after all: its totals are in hb-3's
        board.record(totals("131041", T0.plusSeconds(60), 5, 1, 0, STORE_A), "hb-2", T0.plusSeconds(122));
        assertThat(board.securityAlerts(totals("131041", T0.plusSeconds(60), 5, 1, 0, STORE_A), "hb-2")).isEmpty();
        assertThat(board.events("131041", 10)).filteredOn(e -> e.get("status").equals("SECURITY_EVENTS")).hasSize(2);
    }

    @Test
    void an_older_heartbeat_delivered_late_from_a_node_whose_clock_runs_ahead_adds_nothing_and_lowers_nothing() throws Exception {
        StatusBoard board = securityBoard();
        Duration ahead = Duration.ofMinutes(2); // the node's clock runs 2 min ahead of central's
        board.record(totals("131041", T0.plus(ahead), 2, 0, 0, STORE_A), "hb-1", T0);
        // central was down; the queued heartbeats are delivered in parallel, hb-3 before hb-2
        board.record(totals("131041", T0.plus(ahead).plusSeconds(120), 5, 0, 0, STORE_A), "hb-3", T0.plusSeconds(121));
        assertThat(detail(board, totals("131041", T0.plus(ahead).plusSeconds(120), 5, 0, 0, STORE_A), "hb-3"))
                .contains("3 refused login(s)");
        board.record(totals("131041", T0.plus(ahead).plusSeconds(60), 4, 0, 0, STORE_A), "hb-2", T0.plusSeconds(122));
        assertThat(board.securityAlerts(totals("131041", T0.plus(ahead).plusSeconds(60), 4, 0, 0, STORE_A), "hb-2"))
                .as("its totals are in hb-3's: not a new store, not the node's whole lifetime").isEmpty();
        // received a heartbeat interval after hb-3's event (one sooner would be held for the next: at most one per interval)
        board.record(totals("131041", T0.plus(ahead).plusSeconds(180), 6, 0, 0, STORE_A), "hb-4", T0.plusSeconds(181));
        assertThat(detail(board, totals("131041", T0.plus(ahead).plusSeconds(180), 6, 0, 0, STORE_A), "hb-4"))
                .as("counted from hb-3's totals, not again from hb-2's").contains("1 refused login(s)");
    }

    @Test
    void a_refusal_at_a_node_whose_clock_was_moved_back_is_counted_at_once() throws Exception {
        StatusBoard board = securityBoard();
        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", T0);
        // the node's clock is moved back by 1 h (a drill); a login is refused; its next heartbeat says 3
        Instant movedBack = T0.minus(Duration.ofHours(1)).plusSeconds(60);
        board.record(totals("131041", movedBack, 3, 0, 0, STORE_A), "hb-2", T0.plusSeconds(60));
        assertThat(detail(board, totals("131041", movedBack, 3, 0, 0, STORE_A), "hb-2")).contains("1 refused login(s)");
        board.record(totals("131041", movedBack.plusSeconds(60), 3, 0, 0, STORE_A), "hb-3", T0.plusSeconds(120));
        assertThat(board.securityAlerts(totals("131041", movedBack.plusSeconds(60), 3, 0, 0, STORE_A), "hb-3"))
                .as("counted once").isEmpty();
    }

    @Test
    void a_node_whose_store_was_replaced_or_restored_counts_from_its_new_totals() throws Exception {
        StatusBoard board = securityBoard();
        board.record(totals("131041", T0, 7, 0, 0, STORE_A), "hb-1", T0);

        // a new store that counted 9 before its first heartbeat: more than the old one, yet all of them new
        board.record(totals("131041", T0.plusSeconds(60), 9, 0, 0, STORE_B), "hb-2", T0.plusSeconds(60));
        assertThat(detail(board, totals("131041", T0.plusSeconds(60), 9, 0, 0, STORE_B), "hb-2")).contains("9 refused login(s)");
        // the store restored from a backup: the restore forgot its totals, so it counts from a new time, in full
        board.record(totals("131041", T0.plusSeconds(120), 3, 0, 0, STORE_C), "hb-3", T0.plusSeconds(120));
        assertThat(detail(board, totals("131041", T0.plusSeconds(120), 3, 0, 0, STORE_C), "hb-3")).contains("3 refused login(s)");
        board.record(totals("131041", T0.plusSeconds(180), 4, 0, 0, STORE_C), "hb-4", T0.plusSeconds(180));
        assertThat(detail(board, totals("131041", T0.plusSeconds(180), 4, 0, 0, STORE_C), "hb-4")).contains("1 refused login(s)");
        // the same store's totals never go down; a lower one (not this version's) adds nothing and keeps the higher
        board.record(totals("131041", T0.plusSeconds(240), 2, 0, 0, STORE_C), "hb-5", T0.plusSeconds(240));
        assertThat(board.securityAlerts(totals("131041", T0.plusSeconds(240), 2, 0, 0, STORE_C), "hb-5")).isEmpty();
        board.record(totals("131041", T0.plusSeconds(300), 5, 0, 0, STORE_C), "hb-6", T0.plusSeconds(300));
        assertThat(detail(board, totals("131041", T0.plusSeconds(300), 5, 0, 0, STORE_C), "hb-6")).contains("1 refused login(s)");
    }

    @Test
    void a_node_of_an_earlier_version_reports_its_counts_since_its_previous_heartbeat_as_before() throws Exception {
        StatusBoard board = securityBoard();
        board.record(beat("131041", "municipal", T0, 2), "hb-1", T0);
        board.record(beat("131041", "municipal", T0.plusSeconds(60), 2), "hb-2", T0.plusSeconds(60));
        assertThat(detail(board, beat("131041", "municipal", T0.plusSeconds(60), 2), "hb-2")).contains("2 refused login(s)");
        // upgraded: its first totals count in full (central has none of its store yet), then differences
        board.record(totals("131041", T0.plusSeconds(120), 1, 0, 0, STORE_A), "hb-3", T0.plusSeconds(120));
        assertThat(detail(board, totals("131041", T0.plusSeconds(120), 1, 0, 0, STORE_A), "hb-3")).contains("1 refused login(s)");
    }

    @Test
    void a_hostile_node_cannot_change_another_nodes_counts_or_alerts() throws Exception {
        StatusBoard board = securityBoard();
        board.record(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1", T0);
        // 13 (its heartbeat must speak for itself: HeartbeatRecorder) reuses 131041's heartbeat id and reports
        // totals counted from 131041's store time: they count for 13 only
        board.record(totals("13", T0.plusSeconds(30), 50, 0, 0, STORE_A), "hb-1", T0.plusSeconds(30));
        assertThat(board.securityAlerts(totals("13", T0.plusSeconds(30), 50, 0, 0, STORE_A), "hb-1"))
                .extracting(Answer::recipient).containsExactly("13");
        assertThat(detail(board, totals("131041", T0, 2, 0, 0, STORE_A), "hb-1")).contains("2 refused login(s)");
        assertThat(board.securityAlerts(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1")).extracting(Answer::recipient)
                .containsExactly("13", "131041");
        // and under ids of their own: the same heartbeat id never gives the prefecture two alerts with one id
        assertThat(board.securityAlerts(totals("131041", T0, 2, 0, 0, STORE_A), "hb-1")).extracting(Answer::messageId)
                .doesNotContainAnyElementsOf(board.securityAlerts(totals("13", T0.plusSeconds(30), 50, 0, 0, STORE_A), "hb-1")
                        .stream().map(Answer::messageId).toList());
        board.record(totals("131041", T0.plusSeconds(60), 3, 0, 0, STORE_A), "hb-2", T0.plusSeconds(60));
        assertThat(detail(board, totals("131041", T0.plusSeconds(60), 3, 0, 0, STORE_A), "hb-2")).contains("1 refused login(s)");
    }

    /**
     * L2: a hostile node's own heartbeats, CountedSince changed at each, made each count in full: a history line and two
     * alerts per heartbeat. 100 of them in 100 s make at most one security event per heartbeat interval (60 s), with
     * what the others added held and reported by the next; another node's events are untouched.
     */
    @Test
    void a_hostile_node_changing_its_counted_since_at_every_heartbeat_makes_one_security_event_per_interval() throws Exception {
        StatusBoard board = securityBoard();
        int withAlerts = 0;
        for (int i = 0; i < 100; i++) {
            NodeHeartbeat hostile = totals("131041", T0.plusSeconds(i), 5, 0, 0, T0.minusSeconds(1000 - i).toString());
            board.record(hostile, "hb-" + i, T0.plusSeconds(i));
            withAlerts += board.securityAlerts(hostile, "hb-" + i).isEmpty() ? 0 : 1;
        }
        assertThat(withAlerts).as("one episode, and its second event's rise (300 after 5)").isEqualTo(2);
        assertThat(board.events("131041", 1000)).filteredOn(e -> e.get("status").equals("SECURITY_EVENTS")).hasSize(2);
        assertThat(detail(board, totals("131041", T0.plusSeconds(60), 5, 0, 0, T0.minusSeconds(940).toString()), "hb-60"))
                .as("what the 59 heartbeats in between added, with its own").contains("300 refused login(s)");

        board.record(totals("13", T0.plusSeconds(30), 1, 0, 0, STORE_A), "hb-13", T0.plusSeconds(30));
        assertThat(detail(board, totals("13", T0.plusSeconds(30), 1, 0, 0, STORE_A), "hb-13")).contains("1 refused login(s)");
        // the next interval: what is held is reported, nothing lost
        NodeHeartbeat next = totals("131041", T0.plusSeconds(120), 5, 0, 0, T0.minusSeconds(10).toString());
        board.record(next, "hb-120", T0.plusSeconds(120));
        assertThat(detail(board, next, "hb-120")).contains((39 * 5 + 5) + " refused login(s)");
    }

    static final String STORE_A = "2026-01-05T10:00:00Z";
    static final String STORE_B = "2026-11-20T08:30:00Z";
    static final String STORE_C = "2026-11-26T08:00:00Z";

    static StatusBoard securityBoard() throws Exception {
        return securityBoard(new MovableClock(T0));
    }

    static StatusBoard securityBoard(MovableClock clock) throws Exception {
        return securityBoard(clock, QUIET);
    }

    static StatusBoard securityBoard(MovableClock clock, Duration quiet) throws Exception {
        NodeDirectory directory = new NodeDirectory(1, T0, List.of(entry(NodeRole.CENTRAL, "central"),
                entry(NodeRole.PREFECTURE, "13"), entry(NodeRole.MUNICIPAL, "131041")));
        return new StatusBoard("central", directory, new NodeStatusStore(new JdbcTemplate(TestStores.fresh(NodeRole.CENTRAL))),
                clock, SILENCE, StatusBoard.DEFAULT_SECURITY_EVENT_INTERVAL, quiet);
    }

    /** A heartbeat of this version: security-event totals since its store began counting at {@code countedSince}. */
    static NodeHeartbeat totals(String node, Instant at, long logins, long permissions, long messages, String countedSince) {
        String role = node.length() == 6 ? "municipal" : node.equals("central") ? "central" : "prefecture";
        return new NodeHeartbeat(node, role, at.toString(), "UP", List.of(), List.of(), 0, 0, "2028-11-26T09:00:00Z",
                new NodeHeartbeat.SecurityCounts(logins, permissions, messages, countedSince));
    }

    /**
     * The detail of the history line of the security events a heartbeat added (it must have one, with or without alerts:
     * only an episode's first has them).
     */
    static String detail(StatusBoard board, NodeHeartbeat heartbeat, String id) {
        List<Object> details = board.events(heartbeat.node(), 1000).stream()
                .filter(e -> e.get("status").equals("SECURITY_EVENTS") && e.get("at").equals(Instant.parse(heartbeat.sentAt()).toString()))
                .map(e -> e.get("detail")).toList();
        assertThat(details).as("security events of %s", id).hasSize(1);
        return (String) details.get(0);
    }
}
