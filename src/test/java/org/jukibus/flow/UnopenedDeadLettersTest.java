package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jukibus.clock.MovableClock;
import org.jukibus.broker.NodeSecurityManager;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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

    /**
     * review-evidence L1: a dead-lettering whose transaction rolls back (the dead-letter send or the commit failed) is
     * redelivered; each round used to take a place in the window and count, so rollbacks of one letter used up its
     * producer's window and the same letter was then dropped as not kept. Its place is given back on rollback, and the
     * metric counts it once, at the commit.
     */
    @Test
    void a_rolled_back_dead_lettering_gives_its_place_back_and_is_counted_only_when_it_commits() {
        for (int i = 0; i < 3; i++) {
            assertThat(bound.keep("131016", 1000, "MALFORMED")).isTrue();
        }
        for (int attempt = 0; attempt < 50; attempt++) { // the fourth letter, past the count: rolled back each time
            assertThat(inTransaction(TransactionSynchronization.STATUS_ROLLED_BACK,
                    () -> bound.verdict("131016", 1000, "MALFORMED", false))).isEqualTo(UnopenedDeadLetters.Verdict.DROP);
        }
        assertThat(registry.find("jukibus.dlq.not.kept").tag("producer", "131016").counter()).as("nothing committed").isNull();

        assertThat(inTransaction(TransactionSynchronization.STATUS_COMMITTED,
                () -> bound.verdict("131016", 1000, "MALFORMED", false))).isEqualTo(UnopenedDeadLetters.Verdict.DROP);
        assertThat(notKept("131016")).as("counted once, at the commit").isEqualTo(1);

        // an honest producer's letter whose kept dead-lettering rolls back many times still has its place afterwards
        for (int attempt = 0; attempt < 10; attempt++) {
            inTransaction(TransactionSynchronization.STATUS_ROLLED_BACK, () -> bound.verdict("131059", 1000, "BAD_SIGNATURE", false));
        }
        assertThat(inTransaction(TransactionSynchronization.STATUS_COMMITTED,
                () -> bound.verdict("131059", 1000, "BAD_SIGNATURE", false))).isEqualTo(UnopenedDeadLetters.Verdict.KEEP);
    }

    /** Runs {@code verdict} as the listener's transaction would, then completes that transaction with {@code status}. */
    private static UnopenedDeadLetters.Verdict inTransaction(int status, java.util.function.Supplier<UnopenedDeadLetters.Verdict> verdict) {
        TransactionSynchronizationManager.initSynchronization();
        try {
            UnopenedDeadLetters.Verdict v = verdict.get();
            for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
                s.afterCompletion(status);
            }
            return v;
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    private double notKept(String producer) {
        return registry.get("jukibus.dlq.not.kept").tag("producer", producer).counter().count();
    }
}
