package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The status check's rules, on rows as the store holds them. */
class NodeStatesTest {

    static final Instant START = Instant.parse("2026-11-26T09:00:00Z");
    static final Duration SILENCE = Duration.ofMinutes(3);

    static NodeStatusRow row(NodeState state, Instant since, Instant lastHeard, Instant resumedAt, String health, Instant healthSince) {
        return new NodeStatusRow("131059", "municipal", state, since, lastHeard, lastHeard, resumedAt, health, healthSince,
                health == null ? null : "broker=UP routes=" + health, 0L, 0L, 0L, 1L, START.plus(Duration.ofDays(365)), 0L, 0L, 0L,
                null, null, null, null);
    }

    static StateChange at(NodeStatusRow row, Instant now) {
        return NodeStates.next(row, now, START, SILENCE);
    }

    @Test
    void a_node_never_heard_is_silent_only_after_silence_after_counted_from_centrals_start() {
        NodeStatusRow never = row(NodeState.UNKNOWN, START, null, null, null, null);

        assertThat(at(never, START.plusSeconds(179))).isNull();
        StateChange change = at(never, START.plusSeconds(181));
        assertThat(change.to()).isEqualTo(NodeState.SILENT);
        assertThat(change.since()).isEqualTo(START);
        assertThat(change.alertStatus()).isEqualTo("SILENT");
    }

    @Test
    void a_heartbeat_from_before_centrals_start_does_not_make_the_node_silent_at_start() {
        Instant longAgo = START.minus(Duration.ofHours(2));
        NodeStatusRow row = row(NodeState.OK, longAgo, longAgo, null, "UP", longAgo);

        assertThat(at(row, START.plusSeconds(10))).isNull();
        StateChange change = at(row, START.plusSeconds(181));
        assertThat(change.to()).isEqualTo(NodeState.SILENT);
        assertThat(change.since()).as("silent since its last heartbeat").isEqualTo(longAgo);
    }

    @Test
    void a_heartbeat_recorded_before_centrals_clock_was_moved_back_does_not_keep_the_node_from_going_silent() {
        Instant drill = START.plus(Duration.ofDays(40));
        NodeStatusRow heardInTheDrill = row(NodeState.OK, drill, drill, null, "UP", drill);

        assertThat(at(heardInTheDrill, START.plusSeconds(179))).isNull();
        StateChange change = at(heardInTheDrill, START.plusSeconds(181));
        assertThat(change.to()).isEqualTo(NodeState.SILENT);
        assertThat(change.since()).isEqualTo(START);
    }

    @Test
    void the_first_heartbeat_makes_a_node_ok_without_an_alert() {
        Instant heard = START.plusSeconds(5);
        StateChange change = at(row(NodeState.UNKNOWN, START, heard, null, "UP", heard), heard.plusSeconds(1));

        assertThat(change.to()).isEqualTo(NodeState.OK);
        assertThat(change.alertStatus()).isNull();
        assertThat(change.eventStatus()).isEqualTo("OK");
    }

    @Test
    void a_node_reporting_down_is_unhealthy_since_its_health_changed_and_recovers_when_it_is_up_again() {
        Instant down = START.plusSeconds(60);
        StateChange unhealthy = at(row(NodeState.OK, START, down.plusSeconds(30), null, "DOWN", down), down.plusSeconds(31));
        assertThat(unhealthy.to()).isEqualTo(NodeState.UNHEALTHY);
        assertThat(unhealthy.since()).isEqualTo(down);
        assertThat(unhealthy.detail()).contains("routes=DOWN").doesNotContain("broker");

        Instant up = down.plusSeconds(90);
        StateChange recovered = at(row(NodeState.UNHEALTHY, down, up.plusSeconds(20), null, "UP", up), up.plusSeconds(21));
        assertThat(recovered.to()).isEqualTo(NodeState.OK);
        assertThat(recovered.alertStatus()).isEqualTo("RECOVERED");
        assertThat(recovered.since()).isEqualTo(up);
    }

    @Test
    void a_silent_node_that_is_heard_again_recovers_since_it_came_back() {
        Instant lastBefore = START.plusSeconds(10);
        Instant back = START.plusSeconds(600);
        NodeStatusRow row = row(NodeState.SILENT, lastBefore, back.plusSeconds(5), back, "UP", START.plusSeconds(1));

        StateChange change = at(row, back.plusSeconds(6));

        assertThat(change.to()).isEqualTo(NodeState.OK);
        assertThat(change.alertStatus()).isEqualTo("RECOVERED");
        assertThat(change.since()).isEqualTo(back);
    }

    @Test
    void a_node_that_recovers_is_never_said_to_have_recovered_before_it_went_silent() {
        Instant silentSince = START.plusSeconds(100);
        // its health last changed long before; when it came back is not recorded
        NodeStatusRow row = row(NodeState.SILENT, silentSince, silentSince.plusSeconds(30), null, "UP", START.plusSeconds(1));

        assertThat(at(row, silentSince.plusSeconds(31)).since()).isEqualTo(silentSince);
    }

    @Test
    void a_state_is_announced_once_the_same_row_later_calls_for_no_change() {
        Instant lastHeard = START.plusSeconds(10);
        NodeStatusRow silent = row(NodeState.SILENT, lastHeard, lastHeard, null, "UP", lastHeard);

        assertThat(at(silent, START.plusSeconds(600))).isNull();
        assertThat(at(silent, START.plusSeconds(6000))).isNull();
    }

    @Test
    void the_same_change_found_twice_has_the_same_since() {
        Instant lastHeard = START.plusSeconds(10);
        NodeStatusRow ok = row(NodeState.OK, lastHeard, lastHeard, null, "UP", lastHeard);

        assertThat(at(ok, START.plusSeconds(300)).since()).isEqualTo(at(ok, START.plusSeconds(900)).since());
    }
}
