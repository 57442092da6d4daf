package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a JVM profiler does not see of a process (issue 19 item 2): its user and system CPU as the kernel counts them
 * ({@code /proc/PID/stat}, every thread's, ended ones included) and its voluntary and involuntary context switches
 * (each thread's {@code /proc/PID/task/TID/status}: the process's own status file has only its main thread's). System
 * time is the kernel's work for the process: fsyncs, futex waits and wakes, socket and file writes. A voluntary switch
 * is a thread that blocked (a wait for a reply, a lock, a journal sync), an involuntary one a thread the scheduler took
 * the core from.
 */
record KernelTime(long userNanos, long systemNanos, long voluntarySwitches, long involuntarySwitches) {

    /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
    private static final long TICK_NANOS = 10_000_000L;

    static final KernelTime NONE = new KernelTime(0, 0, 0, 0);

    /** The counters of a process at one moment. */
    record Snapshot(long userTicks, long systemTicks, Map<String, long[]> switchesByThread) {

        static Snapshot of(long pid) {
            long user = 0;
            long system = 0;
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                // after the ")" closing the name: state (field 3) ... utime (14), stime (15)
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                user = Long.parseLong(fields[11]);
                system = Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process has gone: nothing counted
            }
            Map<String, long[]> switches = new HashMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                tasks.forEach(task -> switches.put(task.getFileName().toString(), taskSwitches(task)));
            } catch (IOException e) {
                // not Linux, or the process has gone
            }
            return new Snapshot(user, system, switches);
        }

        /**
         * The counts since {@code before}. Context switches are each thread's own difference, a thread started meanwhile
         * counted from zero; a thread that ended meanwhile takes its switches with it (a close lower bound, as in
         * {@link Idle}); the CPU times are the process's, which keep what ended threads used.
         */
        KernelTime since(Snapshot before) {
            long voluntary = 0;
            long involuntary = 0;
            for (Map.Entry<String, long[]> e : switchesByThread.entrySet()) {
                long[] then = before.switchesByThread.getOrDefault(e.getKey(), new long[2]);
                voluntary += Math.max(0, e.getValue()[0] - then[0]);
                involuntary += Math.max(0, e.getValue()[1] - then[1]);
            }
            return new KernelTime((userTicks - before.userTicks) * TICK_NANOS, (systemTicks - before.systemTicks) * TICK_NANOS,
                    voluntary, involuntary);
        }
    }

    /** Voluntary and involuntary switches of one thread; zeros when it ended while being read. */
    static long[] taskSwitches(Path task) {
        long[] counts = new long[2];
        try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    counts[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    counts[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
        return counts;
    }

    /** Share of the CPU spent in the kernel. */
    double systemShare() {
        long all = userNanos + systemNanos;
        return all <= 0 ? Double.NaN : (double) systemNanos / all;
    }
}
