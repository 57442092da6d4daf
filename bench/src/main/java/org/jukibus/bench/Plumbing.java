package org.jukibus.bench;

import java.util.List;
import java.util.Map;

/**
 * What one node's processes did in the kernel during a run (issue 19 item 2, where the non-crypto milliseconds go): its
 * JVM's user and system CPU and context switches ({@link KernelTime}), and the sync points and futex calls of its JVM and
 * of its PostgreSQL ({@link Syscalls}). Per notice, beside the CPU per notice of the run.
 */
record Plumbing(KernelTime jvm, Map<String, Long> jvmCalls, Map<String, Long> postgresCalls) {

    static final Plumbing NONE = new Plumbing(KernelTime.NONE, Map.of(), Map.of());

    /** Counting started for one node's processes; {@link #stop} ends it. */
    static final class Probe {
        private final long jvmPid;
        private KernelTime.Snapshot jvm0;
        private final Syscalls jvmCalls;
        private final Syscalls postgresCalls;

        private Probe(long jvmPid, Syscalls jvmCalls, Syscalls postgresCalls) {
            this.jvmPid = jvmPid;
            this.jvmCalls = jvmCalls;
            this.postgresCalls = postgresCalls;
        }

        /** The JVM's counters now: the run starts (after the syscall counters attached). */
        void begin() {
            jvm0 = jvmPid < 0 ? null : KernelTime.Snapshot.of(jvmPid);
        }

        Plumbing stop() throws InterruptedException {
            KernelTime jvm = jvm0 == null ? KernelTime.NONE : KernelTime.Snapshot.of(jvmPid).since(jvm0);
            return new Plumbing(jvm, jvmCalls.stop(), postgresCalls.stop());
        }
    }

    /**
     * Starts counting a node's JVM ({@code jvmPid}, none when negative) and the PostgreSQL processes of its store; the caller waits
     * {@link Syscalls#awaitAttached} once for all the probes it started, then runs.
     */
    static Probe start(long jvmPid, List<ProcessHandle> postgres) {
        return new Probe(jvmPid, Syscalls.start(jvmPid < 0 ? List.of() : List.of(jvmPid)),
                Syscalls.start(postgres.stream().map(ProcessHandle::pid).toList()));
    }

    /** {@code name}'s count per notice in the JVM and in PostgreSQL; NaN when not counted. */
    double jvmPerNotice(String name, int notices) {
        Long n = jvmCalls.get(name);
        return n == null ? Double.NaN : (double) n / notices;
    }

    double postgresPerNotice(String name, int notices) {
        Long n = postgresCalls.get(name);
        return n == null ? Double.NaN : (double) n / notices;
    }

    /** fsync and fdatasync per notice: the durable sync points. */
    double jvmSyncsPerNotice(int notices) {
        return jvmPerNotice("fsync", notices) + jvmPerNotice("fdatasync", notices);
    }

    double postgresSyncsPerNotice(int notices) {
        return postgresPerNotice("fsync", notices) + postgresPerNotice("fdatasync", notices);
    }
}
