package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.jukibus.clock.NodeClock;
import org.jukibus.flow.SeenMessages.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenMessagesTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Duration WINDOW = Duration.ofDays(31);
    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";

    @TempDir
    Path dir;
    DataSource store;

    /** A fresh store with the common migrations, as every node has. */
    @BeforeEach
    void freshStore() throws Exception {
        store = TestStores.fresh(NodeRole.MUNICIPAL);
    }

    @Test
    void tells_a_redelivery_of_the_same_broker_message_from_a_replay() throws Exception {
        SeenMessages seen = open(NOW);
        assertThat(seen.check(SHINJUKU, "m1", "ID:1")).isEqualTo(Verdict.NEW);
        seen.record(SHINJUKU, "m1", "ID:1", NOW);
        assertThat(seen.check(SHINJUKU, "m1", "ID:1")).isEqualTo(Verdict.REDELIVERY);
        assertThat(seen.check(SHINJUKU, "m1", "ID:2")).isEqualTo(Verdict.REPLAY);
    }

    @Test
    void a_peer_sending_first_with_another_peers_message_id_does_not_make_that_message_a_replay() throws Exception {
        SeenMessages seen = open(NOW);
        seen.record(OSAKA, "m1", "ID:1", NOW); // the hostile peer's message, with Shinjuku's id
        assertThat(seen.claim(SHINJUKU, "m1", "ID:2")).isEqualTo(Verdict.NEW);
        assertThat(seen.check(OSAKA, "m1", "ID:3")).isEqualTo(Verdict.REPLAY);
    }

    @Test
    void remembers_across_a_restart_for_the_whole_outage_window_and_forgets_after_it() throws Exception {
        SeenMessages before = open(NOW);
        before.record(SHINJUKU, "weeks-old", "ID:1", NOW.minus(Duration.ofDays(30)));
        before.record(SHINJUKU, "too-old", "ID:2", NOW.minus(Duration.ofDays(32)));

        SeenMessages afterRestart = open(NOW);
        assertThat(afterRestart.purge()).isEqualTo(1);
        assertThat(afterRestart.check(SHINJUKU, "weeks-old", "ID:9")).isEqualTo(Verdict.REPLAY);
        assertThat(afterRestart.check(SHINJUKU, "too-old", "ID:9")).isEqualTo(Verdict.NEW);
    }

    /** Issue 14 E: a clock drill (forward 40 days, purge, back again) must not forget ids still inside the window. */
    @Test
    void a_clock_moved_forward_and_back_does_not_forget_ids_inside_the_window() throws Exception {
        NodeClock clock = new NodeClock(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
        SeenMessages seen = new SeenMessages(store, clock, WINDOW);
        seen.record(SHINJUKU, "ten-days-old", "ID:1", NOW.minus(Duration.ofDays(10)));
        seen.record(SHINJUKU, "too-old", "ID:2", NOW.minus(Duration.ofDays(32)));

        clock.moveTo(Duration.ofDays(40));
        assertThat(seen.purge()).as("only what is past the window by the system's time").isEqualTo(1);
        clock.moveTo(Duration.ZERO);

        assertThat(seen.check(SHINJUKU, "ten-days-old", "ID:9")).isEqualTo(Verdict.REPLAY);
        // a clock moved back forgets by the moved (earlier) time: it keeps more, never less
        clock.moveTo(Duration.ofDays(-5));
        seen.record(SHINJUKU, "twenty-eight-days-old", "ID:3", NOW.minus(Duration.ofDays(28)));
        assertThat(seen.purge()).isZero();
        assertThat(seen.check(SHINJUKU, "twenty-eight-days-old", "ID:9")).isEqualTo(Verdict.REPLAY);
    }

    /** analysis-months L4: the host clock (not the node offset) jumps 40 days forward, and is set right later. */
    @Test
    void a_host_clock_jumping_forward_does_not_make_the_purge_forget_ids_inside_the_window() throws Exception {
        Instant[] host = {NOW};
        Clock hostClock = new Clock() {
            @Override public Instant instant() { return host[0]; }
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { throw new UnsupportedOperationException(); }
        };
        NodeClock clock = new NodeClock(hostClock, Duration.ZERO);
        SeenMessages seen = new SeenMessages(store, clock, WINDOW);
        seen.record(SHINJUKU, "ten-days-old", "ID:1", NOW.minus(Duration.ofDays(10)));
        seen.record(SHINJUKU, "too-old", "ID:2", NOW.minus(Duration.ofDays(32)));
        assertThat(seen.purge()).isEqualTo(1);

        host[0] = NOW.plus(Duration.ofDays(40));
        assertThat(seen.purge()).as("the cutoff moves on by the time that passed, not by the jump").isZero();
        SeenMessages afterRestart = new SeenMessages(store, clock, WINDOW);
        assertThat(afterRestart.purge()).as("nor after a restart with the clock still wrong").isZero();

        host[0] = NOW.plus(Duration.ofMinutes(5)); // set right
        assertThat(afterRestart.check(SHINJUKU, "ten-days-old", "ID:9")).isEqualTo(Verdict.REPLAY);
    }

    @Test
    void a_copy_checked_while_the_first_is_in_flight_waits_and_is_a_replay_once_the_first_is_recorded() throws Exception {
        SeenMessages seen = open(NOW);
        assertThat(seen.claim(SHINJUKU, "m1", "ID:1")).isEqualTo(Verdict.NEW);
        assertThatThrownBy(() -> seen.claim(SHINJUKU, "m1", "ID:2"))
                .isInstanceOf(SeenMessages.DeliveryInFlightException.class);
        seen.record(SHINJUKU, "m1", "ID:1", NOW);
        seen.release(SHINJUKU, "m1", "ID:1");
        assertThat(seen.claim(SHINJUKU, "m1", "ID:2")).isEqualTo(Verdict.REPLAY);
    }

    @Test
    void deliveries_recorded_at_the_same_time_are_all_in_the_store() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        SeenMessages seen = open(NOW);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "m" + i;
                done.add(pool.submit(() -> {
                    seen.record(SHINJUKU, id, "ID:" + id, NOW);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        SeenMessages afterRestart = open(NOW);
        for (int i = 0; i < 200; i++) {
            assertThat(afterRestart.check(SHINJUKU, "m" + i, "ID:other")).as("m" + i).isEqualTo(Verdict.REPLAY);
        }
    }

    @Test
    void imports_the_old_log_whose_ids_then_count_for_any_sender() throws Exception {
        Path log = dir.resolve("seen-messages.log");
        Files.writeString(log, "m1\tID:1\t" + NOW.minus(Duration.ofHours(3)) + "\nm2\tID:2", StandardCharsets.UTF_8);
        SeenMessages seen = open(NOW);
        seen.importLog(log);
        assertThat(seen.check(SHINJUKU, "m1", "ID:1")).isEqualTo(Verdict.REDELIVERY);
        assertThat(seen.check(OSAKA, "m1", "ID:5")).isEqualTo(Verdict.REPLAY);
        assertThat(seen.check(SHINJUKU, "m2", "ID:2")).as("a line torn by a crash").isEqualTo(Verdict.NEW);
        assertThat(log).doesNotExist();
        assertThat(dir.resolve("seen-messages.log.imported")).exists();
    }

    private SeenMessages open(Instant now) {
        return new SeenMessages(store, Clock.fixed(now, ZoneOffset.UTC), WINDOW);
    }
}
