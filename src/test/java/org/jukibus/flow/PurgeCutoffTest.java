package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /**
     * analysis-merge11 L2: started on the clock saved at shutdown, the node's clock is then stepped 4 days ahead by NTP.
     * The never-early cutoff stays 4 days behind the clock's for as long as the clock is not known synchronised; once
     * the time service says it is, the lag is caught up at twice the time that passes, never past the clock's cutoff.
     */
    @Test
    void a_never_early_cutoff_catches_a_lag_up_at_twice_the_time_passed_only_while_the_clock_is_synchronised() throws Exception {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        AtomicLong nanos = new AtomicLong();
        AtomicBoolean synchronised = new AtomicBoolean(false);
        PurgeCutoff cutoff = PurgeCutoff.neverEarly("final", nanos::get, synchronised::get);
        Duration hour = Duration.ofHours(1);
        try (Connection c = store.getConnection()) {
            assertThat(cutoff.next(c, T)).isEqualTo(T);
            Instant clock = T.plus(Duration.ofDays(4)); // the NTP step
            nanos.addAndGet(hour.toNanos());
            clock = clock.plus(hour);
            assertThat(cutoff.next(c, clock)).as("not known synchronised: one hour for the hour").isEqualTo(T.plus(hour));

            synchronised.set(true);
            Instant expected = T.plus(hour);
            for (int h = 0; h < 95; h++) {
                nanos.addAndGet(hour.toNanos());
                clock = clock.plus(hour);
                expected = expected.plus(hour.multipliedBy(2));
                assertThat(cutoff.next(c, clock)).as("hour " + h + ": two hours for the hour").isEqualTo(expected);
            }
            assertThat(Duration.between(expected, clock)).as("one hour of the lag left").isEqualTo(hour);
            nanos.addAndGet(hour.toNanos());
            clock = clock.plus(hour);
            assertThat(cutoff.next(c, clock)).as("caught up: the clock's own cutoff, not beyond").isEqualTo(clock);
            nanos.addAndGet(hour.toNanos());
            clock = clock.plus(hour);
            assertThat(cutoff.next(c, clock)).as("in step").isEqualTo(clock);

            Instant ahead = clock.plus(Duration.ofDays(70)); // a jump the time service does not vouch for
            synchronised.set(false);
            nanos.addAndGet(hour.toNanos());
            assertThat(cutoff.next(c, ahead)).as("not synchronised: no faster than time").isEqualTo(clock.plus(hour));
        }
    }
}
