package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.jukibus.flow.SeenMessages.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenMessagesTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void tells_a_redelivery_of_the_same_broker_message_from_a_replay() throws Exception {
        try (SeenMessages seen = open(NOW)) {
            assertThat(seen.check("m1", "ID:1")).isEqualTo(Verdict.NEW);
            seen.record("m1", "ID:1", NOW);
            assertThat(seen.check("m1", "ID:1")).isEqualTo(Verdict.REDELIVERY);
            assertThat(seen.check("m1", "ID:2")).isEqualTo(Verdict.REPLAY);
        }
    }

    @Test
    void remembers_across_a_restart_and_ignores_a_line_torn_by_a_crash() throws Exception {
        try (SeenMessages seen = open(NOW)) {
            seen.record("m1", "ID:1", NOW);
        }
        Files.writeString(dir.resolve("seen.log"), "m2\tID:2", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (SeenMessages seen = open(NOW)) {
            assertThat(seen.check("m1", "ID:9")).isEqualTo(Verdict.REPLAY);
            assertThat(seen.check("m2", "ID:2")).isEqualTo(Verdict.NEW);
        }
    }

    @Test
    void forgets_ids_older_than_the_window_only() throws Exception {
        try (SeenMessages seen = open(NOW)) {
            seen.record("old", "ID:1", NOW.minus(Duration.ofHours(30)));
            seen.record("recent", "ID:2", NOW.minus(Duration.ofHours(20)));
        }
        try (SeenMessages seen = open(NOW)) {
            assertThat(seen.check("old", "ID:9")).isEqualTo(Verdict.NEW);
            assertThat(seen.check("recent", "ID:9")).isEqualTo(Verdict.REPLAY);
        }
    }

    private SeenMessages open(Instant now) throws Exception {
        return new SeenMessages(dir.resolve("seen.log"), Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(24));
    }
}
