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
}
