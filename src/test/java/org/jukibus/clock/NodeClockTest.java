package org.jukibus.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeClockTest {

    static final Instant REAL = Instant.parse("2026-12-06T03:00:00Z");

    @TempDir
    Path home;

    @Test
    void runs_ahead_of_the_system_by_its_offset_and_moves_while_in_use() {
        NodeClock clock = new NodeClock(Clock.fixed(REAL, ZoneOffset.UTC), Duration.ofDays(2));
        assertThat(clock.instant()).isEqualTo(REAL.plus(Duration.ofDays(2)));
        assertThat(clock.moveTo(Duration.ofDays(8))).isEqualTo(Duration.ofDays(2));
        assertThat(clock.instant()).isEqualTo(REAL.plus(Duration.ofDays(8)));
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void starts_at_the_offset_file_over_the_configured_offset() throws Exception {
        assertThat(ClockOffsetFile.startOffset(home, Duration.ofHours(1))).as("no file").isEqualTo(Duration.ofHours(1));
        ClockOffsetFile.write(home, Duration.ofDays(5));
        assertThat(ClockOffsetFile.startOffset(home, Duration.ofHours(1))).isEqualTo(Duration.ofDays(5));
        Files.writeString(ClockOffsetFile.of(home), "five days");
        assertThatThrownBy(() -> ClockOffsetFile.startOffset(home, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ISO-8601");
    }

    @Test
    void a_changed_file_moves_the_running_clock_and_is_written_to_the_operation_log() throws Exception {
        NodeClock clock = new NodeClock(Clock.fixed(REAL, ZoneOffset.UTC), Duration.ZERO);
        List<AuditEvent> logged = new CopyOnWriteArrayList<>();
        try (ClockOffsetFile watch = ClockOffsetFile.watch(home, clock, logged::add)) {
            ClockOffsetFile.write(home, Duration.ofDays(8));
            watch.check();
            assertThat(clock.instant()).isEqualTo(REAL.plus(Duration.ofDays(8)));
            assertThat(logged).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(AuditKind.CLOCK_MOVED);
                assertThat(e.detail()).contains("PT0S -> PT192H");
            });

            // not a duration: the clock stays where it was
            Files.writeString(ClockOffsetFile.of(home), "soon");
            Files.setLastModifiedTime(ClockOffsetFile.of(home), FileTime.from(Instant.now().plusSeconds(5)));
            watch.check();
            assertThat(clock.offset()).isEqualTo(Duration.ofDays(8));
            assertThat(logged).hasSize(1);
        }
    }
}
