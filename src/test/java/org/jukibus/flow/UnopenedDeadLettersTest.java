package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jukibus.clock.MovableClock;
import org.jukibus.broker.NodeSecurityManager;
import org.junit.jupiter.api.Test;

/** Per producer and window: the first letters and bytes kept, the rest counted. */
class UnopenedDeadLettersTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2027-01-04T09:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UnopenedDeadLetters bound = new UnopenedDeadLetters(
            new UnopenedDeadLetters.Bound(3, 3L << 20, Duration.ofDays(1)), clock, new FlowMetrics(registry, clock, java.util.List.of()));

    @Test
    void a_flooding_producer_keeps_its_first_letters_the_rest_counted_and_another_producer_keeps_its_own() {
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            kept += bound.keep("131016", 1000, "MALFORMED") ? 1 : 0;
        }
        assertThat(kept).isEqualTo(3);
        assertThat(notKept("131016")).isEqualTo(97);
        assertThat(registry.get("jukibus.dlq.not.kept.bytes").tag("producer", "131016").counter().count()).isEqualTo(97_000);
        // an honest peer's refused letters keep their place whatever the flood
        assertThat(bound.keep("131059", 1000, "BAD_SIGNATURE")).isTrue();
        assertThat(bound.keep("131059", 1000, "BAD_SIGNATURE")).isTrue();
        assertThat(registry.find("jukibus.dlq.not.kept").tag("producer", "131059").counter()).isNull();
    }

    @Test
    void bytes_bound_the_window_too_and_the_next_window_keeps_again() {
        assertThat(bound.keep("131016", 2L << 20, "MALFORMED")).isTrue();
        assertThat(bound.keep("131016", 2L << 20, "MALFORMED")).as("past 3 MiB").isFalse();
        assertThat(bound.keep("131016", 1L << 20, "MALFORMED")).as("exactly 3 MiB").isTrue();
        assertThat(bound.keep("131016", 1, "MALFORMED")).isFalse();

        clock.move(Duration.ofDays(1));
        assertThat(bound.keep("131016", 2L << 20, "MALFORMED")).isTrue();
    }

    @Test
    void a_clock_moved_back_starts_a_window_rather_than_extend_one() {
        for (int i = 0; i < 4; i++) {
            bound.keep("131016", 1, "MALFORMED");
        }
        clock.move(Duration.ofDays(-40));
        assertThat(bound.keep("131016", 1, "MALFORMED")).isTrue();
    }

    /** A replay by this node took the dead letter off the queue: its failure must be kept whatever the count. */
    @Test
    void this_nodes_own_replays_are_never_bounded() {
        for (int i = 0; i < 10; i++) {
            assertThat(bound.keep(NodeSecurityManager.LOCAL_USER, 1L << 20, "BAD_SIGNATURE")).isTrue();
        }
    }

    private double notKept(String producer) {
        return registry.get("jukibus.dlq.not.kept").tag("producer", producer).counter().count();
    }
}
