package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time of a process as the kernel counts it: the JVM itself, its embedded PostgreSQL (the
 * postmaster named in {@code postmaster.pid} of each node's data folder, and its backends: pg_ctl
 * starts it detached, so it is no child of the JVM), and the JIT compiler threads inside the JVM,
 * read from /proc. Not JMX's
 * CompilationMXBean: its compilation time is elapsed time, which on a loaded machine counts the
 * compiler threads' waits for a core too (it read 100% of the CPU in a run on 2 shared cores). A
 * compiler thread that exits takes its count with it: the JVMs run with
 * -XX:-UseDynamicNumberOfCompilerThreads (bench/run, the separate node JVMs), else the JIT share is
 * a lower bound ({@link #dynamicCompilerThreads}).
 */
record ProcessCpu(long jvmNanos, long postgresNanos, long jitNanos) {

    /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
    private static final long TICK_NANOS = 10_000_000L;

    /** @param pgdata the data folders of the PostgreSQL servers the JVM's nodes run */
    static ProcessCpu of(ProcessHandle process, List<Path> pgdata) {
        long postgres = pgdata.stream().map(ProcessCpu::postmaster).flatMap(Optional::stream)
                .mapToLong(p -> cpu(p) + p.descendants().mapToLong(ProcessCpu::cpu).sum()).sum();
        return new ProcessCpu(cpu(process), postgres, compilerThreads(process.pid()));
    }

    /** The PostgreSQL processes of a data folder now: its postmaster and every backend and helper under it. */
    static List<ProcessHandle> postgresProcesses(Path pgdata) {
        return postmaster(pgdata).map(p -> Stream.concat(Stream.of(p), p.descendants()).toList()).orElse(List.of());
    }

    /** The running postmaster of a data folder (the first line of its postmaster.pid). */
    private static Optional<ProcessHandle> postmaster(Path pgdata) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not running
        }
    }

    /** Whether this JVM starts and stops compiler threads as it goes (then its JIT share is a lower bound). */
    static boolean dynamicCompilerThreads() {
        try {
            return Boolean.parseBoolean(java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseDynamicNumberOfCompilerThreads").getValue());
        } catch (RuntimeException e) {
            return false; // not HotSpot
        }
    }

    ProcessCpu minus(ProcessCpu before) {
        return new ProcessCpu(jvmNanos - before.jvmNanos, postgresNanos - before.postgresNanos, jitNanos - before.jitNanos);
    }

    double jitShare() {
        return jvmNanos <= 0 ? Double.NaN : (double) jitNanos / jvmNanos;
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long compilerThreads(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            return tasks.mapToLong(ProcessCpu::compilerThreadNanos).sum();
        } catch (IOException e) {
            return 0; // not Linux, or the process has gone
        }
    }

    private static long compilerThreadNanos(Path task) {
        try {
            String comm = Files.readString(task.resolve("comm")).trim();
            if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String stat = Files.readString(task.resolve("stat"));
            // after the ")" closing the thread's name: state (field 3) ... utime (14), stime (15)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended while being read
        }
    }
}
