package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;

/** A purge's cutoff follows the clock, but never faster than twice the time that passed; it survives a restart. */
class PurgeCutoffTest {

    static final Instant T = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void the_cutoff_moves_on_at_most_twice_as_fast_as_time_passes_and_is_kept_across_a_restart() throws Exception {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        AtomicLong nanos = new AtomicLong();
        PurgeCutoff cutoff = new PurgeCutoff("test", nanos::get);
        try (Connection c = store.getConnection()) {
            assertThat(cutoff.next(c, T)).as("the first ever: as wanted").isEqualTo(T);
            nanos.addAndGet(Duration.ofHours(1).toNanos());
            assertThat(cutoff.next(c, T.plus(Duration.ofHours(1)))).as("in step with time").isEqualTo(T.plus(Duration.ofHours(1)));
            nanos.addAndGet(Duration.ofHours(1).toNanos());
            assertThat(cutoff.next(c, T.plus(Duration.ofDays(41)))).as("a jump: two hours for the hour passed")
                    .isEqualTo(T.plus(Duration.ofHours(3)));
            assertThat(cutoff.next(c, T.minus(Duration.ofDays(1)))).as("a clock moved back keeps more").isEqualTo(T.minus(Duration.ofDays(1)));

            PurgeCutoff restarted = new PurgeCutoff("test", nanos::get);
            assertThat(restarted.next(c, T.plus(Duration.ofDays(41)))).as("after a restart: from the stored cutoff")
                    .isEqualTo(T.minus(Duration.ofDays(1)));
        }
    }

    /**
     * A purge whose act cannot be undone: while the node runs its cutoff moves on no faster than monotonic time (a jump
     * ahead brings nothing early), after a restart it catches up by the time the clock says passed since the last round.
     */
    @Test
    void a_never_early_cutoff_moves_with_time_passed_and_after_a_restart_by_the_clock_time_since_the_last_round() throws Exception {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        AtomicLong nanos = new AtomicLong();
        PurgeCutoff cutoff = PurgeCutoff.neverEarly("final", nanos::get);
        try (Connection c = store.getConnection()) {
            assertThat(cutoff.next(c, T)).isEqualTo(T);
            nanos.addAndGet(Duration.ofHours(1).toNanos());
            assertThat(cutoff.next(c, T.plus(Duration.ofDays(41)))).as("a jump: one hour for the hour passed")
                    .isEqualTo(T.plus(Duration.ofHours(1)));
            nanos.addAndGet(Duration.ofHours(1).toNanos());
            assertThat(cutoff.next(c, T.plus(Duration.ofDays(41)))).as("still ahead: no catching up").isEqualTo(T.plus(Duration.ofHours(2)));

            // stopped now, started again four days later by the clock
            PurgeCutoff restarted = PurgeCutoff.neverEarly("final", nanos::get);
            assertThat(restarted.next(c, T.plus(Duration.ofDays(45)))).as("the down time, as the clock tells it")
                    .isEqualTo(T.plus(Duration.ofHours(2)).plus(Duration.ofDays(4)));
        }
    }
}
