package org.jukibus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlumbingTest {

    @Test
    void perfCountsAreReadByNameAndAllOrNothing() {
        List<String> lines = List.of("# started on Mon Dec  7 10:00:00 2026", "",
                "120,,syscalls:sys_enter_fsync,1000,100.00,,", "3400,,syscalls:sys_enter_fdatasync,1000,100.00,,",
                "98765,,syscalls:sys_enter_futex,1000,100.00,,");
        assertThat(Syscalls.parse(lines)).containsExactly(Map.entry("fsync", 120L), Map.entry("fdatasync", 3400L), Map.entry("futex", 98765L));
        // a count perf could not take, or an event it does not print, makes the run "not measured", not a zero
        assertThat(Syscalls.parse(List.of("<not counted>,,syscalls:sys_enter_fsync,0,0.00,,", "1,,syscalls:sys_enter_fdatasync,1,100.00,,",
                "2,,syscalls:sys_enter_futex,1,100.00,,"))).isEmpty();
        assertThat(Syscalls.parse(List.of("1,,syscalls:sys_enter_fdatasync,1,100.00,,"))).isEmpty();
    }

    @Test
    void switchesAreEachThreadsOwnAndCpuTimesTheProcesss() {
        KernelTime.Snapshot before = new KernelTime.Snapshot(100, 40, Map.of("1", new long[] {5, 1}, "2", new long[] {1_000, 9}));
        // thread 2 ended (its counts gone with it), thread 3 started
        KernelTime.Snapshot after = new KernelTime.Snapshot(130, 55, Map.of("1", new long[] {8, 2}, "3", new long[] {4, 0}));
        KernelTime t = after.since(before);
        assertThat(t.userNanos()).isEqualTo(300_000_000L);
        assertThat(t.systemNanos()).isEqualTo(150_000_000L);
        assertThat(t.voluntarySwitches()).isEqualTo(7);
        assertThat(t.involuntarySwitches()).isEqualTo(1);
    }

    @Test
    void thisProcessIsReadFromProc() {
        KernelTime.Snapshot now = KernelTime.Snapshot.of(ProcessHandle.current().pid());
        assertThat(now.userTicks() + now.systemTicks()).isPositive();
        assertThat(now.switchesByThread()).isNotEmpty();
    }

    @Test
    void perNoticeFiguresAreNotMeasuredWithoutCounts() {
        Plumbing counted = new Plumbing(KernelTime.NONE, Map.of("fsync", 10L, "fdatasync", 30L, "futex", 400L), Map.of("fsync", 0L, "fdatasync", 20L, "futex", 1L));
        assertThat(counted.jvmSyncsPerNotice(10)).isEqualTo(4.0);
        assertThat(counted.postgresSyncsPerNotice(10)).isEqualTo(2.0);
        assertThat(Plumbing.NONE.jvmSyncsPerNotice(10)).isNaN();
    }
}
