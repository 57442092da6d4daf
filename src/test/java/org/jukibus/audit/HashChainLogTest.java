package org.jukibus.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.jukibus.audit.AuditTestSupport.TickingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashChainLogTest {

    @TempDir
    Path dir;
    AuditTestSupport keys;
    Path logDir;

    @BeforeEach
    void keys() throws Exception {
        keys = new AuditTestSupport(dir);
        logDir = dir.resolve("audit");
    }

    @Test
    void a_failed_write_leaves_the_log_failed_and_says_why() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofDays(1)); // every entry starts a day's file
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
            assertThat(log.failure()).isNull();
            try (java.util.stream.Stream<Path> files = Files.walk(logDir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
            Files.writeString(logDir, "the folder is gone and a file is in its place"); // no new day's file can be made

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.record(AuditTestSupport.queued(2)))
                    .isInstanceOf(java.io.UncheckedIOException.class);
            assertThat(log.failure()).contains(logDir.toString(), "stopped after a failed write");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.record(AuditTestSupport.queued(3)))
                    .hasMessageContaining("stopped after an earlier failure");
        }
    }

    @Test
    void a_clock_behind_the_last_entry_stops_the_open_and_writes_nothing() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
        }
        List<AuditEntry> before = HashChainLog.entries(logDir);
        Instant last = before.get(before.size() - 1).time();
        ClockAtStart check = new ClockAtStart(Duration.ofMinutes(5), false);

        clock.set(last.minus(Duration.ofHours(3))); // a host restored from a snapshot three hours old
        assertThatThrownBy(() -> HashChainLog.open(logDir, clock, "node:131041", keys.node, 1 << 20, check))
                .isInstanceOf(ClockAtStart.ClockBehindException.class)
                .hasMessageContaining(last.toString())
                .hasMessageContaining(last.minus(Duration.ofHours(3)).toString())
                .hasMessageContaining("jukibus.audit.accept-clock-behind=true");
        assertThat(HashChainLog.entries(logDir)).as("nothing written at the wrong time").isEqualTo(before);

        clock.set(last.minus(Duration.ofMinutes(4))); // within the tolerance: NTP corrected the clock a little
        try (HashChainLog log = HashChainLog.open(logDir, clock, "node:131041", keys.node, 1 << 20, check)) {
            log.record(AuditTestSupport.queued(2));
        }
        clock.set(last.minus(Duration.ofDays(2))); // moved back on purpose, and the operator says so
        try (HashChainLog log = HashChainLog.open(logDir, clock, "node:131041", keys.node, 1 << 20,
                new ClockAtStart(Duration.ofMinutes(5), true))) {
            log.record(AuditTestSupport.queued(3));
        }
        assertThat(HashChainLog.entries(logDir)).extracting(AuditEntry::kind).containsSubsequence(
                AuditKind.MESSAGE_QUEUED, AuditKind.SEAL, AuditKind.MESSAGE_QUEUED, AuditKind.SEAL,
                AuditKind.CLOCK_BEHIND_ACCEPTED, AuditKind.MESSAGE_QUEUED);
    }

    @Test
    void a_start_the_override_let_through_leaves_an_entry_naming_both_times_and_one_in_time_leaves_none() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
        }
        List<AuditEntry> before = HashChainLog.entries(logDir);
        Instant last = before.get(before.size() - 1).time();
        ClockAtStart overridden = new ClockAtStart(Duration.ofMinutes(5), true);

        Instant behind = last.minus(Duration.ofDays(2));
        clock.set(behind);
        try (HashChainLog log = HashChainLog.open(logDir, clock, "node:131041", keys.node, 1 << 20, overridden)) {
            log.record(AuditTestSupport.queued(2));
        }
        List<AuditEntry> after = HashChainLog.entries(logDir);
        AuditEntry accepted = after.get(before.size());
        assertThat(accepted.kind()).isEqualTo(AuditKind.CLOCK_BEHIND_ACCEPTED);
        assertThat(accepted.detail()).contains(behind.toString()).contains(last.toString());

        clock.set(after.get(after.size() - 1).time().plus(Duration.ofMinutes(1))); // the clock in time, the setting still on
        try (HashChainLog log = HashChainLog.open(logDir, clock, "node:131041", keys.node, 1 << 20, overridden)) {
            log.record(AuditTestSupport.queued(3));
        }
        assertThat(HashChainLog.entries(logDir)).extracting(AuditEntry::kind)
                .filteredOn(k -> k == AuditKind.CLOCK_BEHIND_ACCEPTED).hasSize(1);
    }

    @Test
    void entries_are_linked_by_hash_and_a_restart_continues_the_chain() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
            log.record(AuditTestSupport.queued(2));
        }
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(3));
        }

        List<AuditEntry> entries = HashChainLog.entries(logDir);
        assertThat(entries).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(entries).extracting(AuditEntry::kind).containsExactly(AuditKind.MESSAGE_QUEUED, AuditKind.MESSAGE_QUEUED,
                AuditKind.SEAL, AuditKind.MESSAGE_QUEUED, AuditKind.SEAL);
        assertThat(entries.get(0).prev()).isEqualTo(AuditEntry.GENESIS);
        for (int i = 1; i < entries.size(); i++) {
            assertThat(entries.get(i).prev()).isEqualTo(entries.get(i - 1).hash());
        }
        assertThat(entries.get(0).actor()).isEqualTo("node:131041");
        AuditVerifier.Report report = keys.verify(logDir);
        assertThat(report.errors()).isEmpty();
        assertThat(report.lastSealSeq()).isEqualTo(5);
        assertThat(Files.readString(logDir.resolve("head.json"))).contains("\"seq\":5");
    }

    /** A forwarded batch's lines (issue 19): appended in turn, in the chain, and durable when recordAll returns. */
    @Test
    void a_batch_of_events_is_chained_in_order_and_on_disk_when_record_all_returns() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
            log.recordAll(List.of(AuditTestSupport.queued(2), AuditTestSupport.queued(3), AuditTestSupport.queued(4)));
            log.recordAll(List.of());

            assertThat(HashChainLog.entries(logDir)).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L);
        }
        assertThat(keys.verify(logDir).errors()).isEmpty();
    }

    @Test
    void a_line_torn_by_a_crash_is_cut_off_and_the_recovery_is_logged() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
        }
        Path file = AuditTestSupport.onlyFile(logDir);
        String torn = "{\"seq\":3,\"time\":\"2026-11-25T01:0";
        Files.writeString(file, torn, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(4));
        }

        List<AuditEntry> entries = HashChainLog.entries(logDir);
        assertThat(entries).extracting(AuditEntry::kind).containsExactly(AuditKind.MESSAGE_QUEUED, AuditKind.SEAL,
                AuditKind.LOG_RECOVERED, AuditKind.MESSAGE_QUEUED, AuditKind.SEAL);
        assertThat(entries.get(2).detail()).contains("cut off an incomplete last line of " + torn.length() + " bytes");
        assertThat(keys.verify(logDir).errors()).isEmpty();
    }

    @Test
    void a_damaged_last_line_stops_the_log_from_opening() throws Exception {
        TickingClock clock = new TickingClock(AuditTestSupport.T0, Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            log.record(AuditTestSupport.queued(1));
        }
        Path file = AuditTestSupport.onlyFile(logDir);
        Files.writeString(file, "garbage\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> keys.open(logDir, clock))
                .hasMessageContaining(file.toString()).hasMessageContaining("not a log entry")
                .hasMessageContaining("jukibus audit verify");
    }

    @Test
    void a_new_file_starts_each_utc_day_and_the_chain_runs_across_files() throws Exception {
        TickingClock clock = new TickingClock(Instant.parse("2026-11-25T23:59:58Z"), Duration.ofSeconds(1));
        try (HashChainLog log = keys.open(logDir, clock)) {
            for (int i = 1; i <= 4; i++) {
                log.record(AuditTestSupport.queued(i));
            }
        }
        assertThat(LogFiles.list(logDir)).extracting(p -> p.getFileName().toString())
                .containsExactly("operations-20261125-000000000001.jsonl", "operations-20261126-000000000003.jsonl");
        assertThat(keys.verify(logDir).errors()).isEmpty();
    }

    @Test
    void nothing_is_sealed_twice() throws Exception {
        try (HashChainLog log = keys.open(logDir, Clock.systemUTC())) {
            log.record(AuditTestSupport.queued(1));
            log.seal();
            log.seal();
        }
        assertThat(HashChainLog.entries(logDir)).extracting(AuditEntry::kind)
                .containsExactly(AuditKind.MESSAGE_QUEUED, AuditKind.SEAL);
    }

    @Test
    void many_threads_append_at_once_and_the_chain_stays_intact() throws Exception {
        int threads = 8;
        int each = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try (HashChainLog log = keys.open(logDir, Clock.systemUTC())) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        log.record(AuditTestSupport.queued(thread * 1000 + i));
                    }
                }));
            }
            done.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    log.seal();
                }
            }));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        AuditVerifier.Report report = keys.verify(logDir);
        assertThat(report.errors()).isEmpty();
        assertThat(report.notes()).noneMatch(n -> n.contains("unsealed"));
        Map<String, Long> perMessage = HashChainLog.entries(logDir).stream()
                .filter(e -> e.kind() == AuditKind.MESSAGE_QUEUED)
                .collect(Collectors.groupingBy(AuditEntry::messageId, Collectors.counting()));
        assertThat(perMessage).hasSize(threads * each).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void values_from_outside_are_cut_and_escaped_so_one_entry_stays_one_line() throws Exception {
        String hostile = "x\"}\n{\"seq\":1".repeat(100);
        try (HashChainLog log = keys.open(logDir, Clock.systemUTC())) {
            log.record(AuditEvent.of(AuditKind.MESSAGE_DEAD_LETTERED).message(hostile, hostile));
        }
        List<String> lines = AuditTestSupport.lines(AuditTestSupport.onlyFile(logDir));
        assertThat(lines).hasSize(2);
        AuditEntry entry = AuditEntry.parse(lines.get(0));
        assertThat(entry.messageId()).hasSize(AuditEvent.MAX_ID).endsWith("…");
        assertThat(keys.verify(logDir).errors()).isEmpty();
    }
}
