package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * <b>idle</b> (issue 19 item 5): what the two municipal nodes cost while nothing is sent, their brokers, drop-folder
 * watches, scheduled jobs and heartbeats only. After the nodes are up it waits {@code settleSeconds} (the start's
 * stragglers), then takes the CPU of their processes over windows of {@code seconds}: the JVM (in the bench's JVM, the
 * bench's own threads too, which sleep meanwhile), its JIT compilers, the nodes' PostgreSQL, and the JVM's context
 * switches (every thread's, from /proc), which show polling that costs little CPU each time but wakes a core often.
 * Target: two nodes ≤ 3% of one core, JVM and PostgreSQL together.
 */
final class Idle {

    /** Issue 19's target for two idle nodes: 3% of one core. */
    static final double TARGET_SHARE = 0.03;

    private final Nodes nodes;
    private final int seconds;
    private final int settleSeconds;
    /** Empty for the first measurement (nothing sent yet); else what came before, e.g. "after traffic". */
    private final String after;

    Idle(Nodes nodes, int seconds, int settleSeconds) {
        this(nodes, seconds, settleSeconds, "");
    }

    Idle(Nodes nodes, int seconds, int settleSeconds, String after) {
        this.after = after;
        this.nodes = nodes;
        this.seconds = seconds;
        this.settleSeconds = settleSeconds;
    }

    /** One window: each node's process CPU and context switches, and the wall time they were taken over. */
    record Window(ProcessCpu sender, ProcessCpu recipient, long senderSwitches, long recipientSwitches, long wallNanos) {

        /** Share of one core: both nodes' JVMs (one JVM when in process) and their PostgreSQL. */
        double totalShare(boolean inProcess) {
            return (jvmNanos(inProcess) + sender.postgresNanos() + (inProcess ? 0 : recipient.postgresNanos())) / (double) wallNanos;
        }

        long jvmNanos(boolean inProcess) {
            return sender.jvmNanos() + (inProcess ? 0 : recipient.jvmNanos());
        }

        double switchesPerSecond(boolean inProcess) {
            return (senderSwitches + (inProcess ? 0 : recipientSwitches)) * 1e9 / wallNanos;
        }
    }

    void measure(Settings settings, Report report) throws Exception {
        Bench.say("idle" + suffix() + ": settling " + settleSeconds + " s, then " + settings.runs() + " windows of " + seconds + " s with nothing sent");
        Thread.sleep(settleSeconds * 1000L);
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            Window w = window();
            windows.add(w);
            Bench.say(String.format("idle window %d: %.2f%% of a core (JVM %.2f%%, JIT %.0f%% of it), %.0f context switches/s",
                    i + 1, w.totalShare(nodes.inProcess()) * 100, w.jvmNanos(nodes.inProcess()) * 100.0 / w.wallNanos(),
                    jitShare(w) * 100, w.switchesPerSecond(nodes.inProcess())));
        }
        boolean in = nodes.inProcess();
        Figure total = Figure.of(windows, w -> w.totalShare(in) * 100);
        if (after.isEmpty()) {
            report.keep("idle", total);
        }
        report.row("idle" + suffix() + ": two municipal nodes up, nothing sent, CPU over " + seconds + " s, JVM" + (in ? " (with the bench's)" : "s")
                        + " and PostgreSQL, share of one core", total.format("%.2f") + "%", "≤ 3% of a core",
                Report.met(total.median() <= TARGET_SHARE * 100));
        report.row("  idle: the same without the JIT compilers (still compiling what the start ran)",
                Figure.of(windows, w -> (w.totalShare(in) - jitNanos(w) / (double) w.wallNanos()) * 100).format("%.2f") + "%");
        if (in) {
            // in this JVM its threads can be named: consumers added during a burst and still there show here
            report.row("  idle" + suffix() + ": threads named JmsConsumer in this JVM (a pool's idle threads of ended consumers included)",
                    String.valueOf(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("JmsConsumer[")).count()));
            report.row("  idle: the JVM / its JIT share / PostgreSQL; context switches of the JVM's threads",
                    Figure.of(windows, w -> w.sender().jvmNanos() * 100.0 / w.wallNanos()).format("%.2f") + "% / "
                            + Figure.of(windows, w -> jitShare(w) * 100).format("%.0f") + "% / "
                            + Figure.of(windows, w -> w.sender().postgresNanos() * 100.0 / w.wallNanos()).format("%.2f") + "%; "
                            + Figure.of(windows, w -> w.switchesPerSecond(true)).format("%,.0f") + "/s");
        } else {
            report.row("  idle: sender's JVM (its JIT share) / its PostgreSQL; its context switches",
                    Figure.of(windows, w -> w.sender().jvmNanos() * 100.0 / w.wallNanos()).format("%.2f") + "% ("
                            + Figure.of(windows, w -> w.sender().jitShare() * 100).format("%.0f") + "%) / "
                            + Figure.of(windows, w -> w.sender().postgresNanos() * 100.0 / w.wallNanos()).format("%.2f") + "%; "
                            + Figure.of(windows, w -> w.senderSwitches() * 1e9 / w.wallNanos()).format("%,.0f") + "/s");
            report.row("  idle: recipient's JVM (its JIT share) / its PostgreSQL; its context switches",
                    Figure.of(windows, w -> w.recipient().jvmNanos() * 100.0 / w.wallNanos()).format("%.2f") + "% ("
                            + Figure.of(windows, w -> w.recipient().jitShare() * 100).format("%.0f") + "%) / "
                            + Figure.of(windows, w -> w.recipient().postgresNanos() * 100.0 / w.wallNanos()).format("%.2f") + "%; "
                            + Figure.of(windows, w -> w.recipientSwitches() * 1e9 / w.wallNanos()).format("%,.0f") + "/s");
        }
    }

    private String suffix() {
        return after.isEmpty() ? "" : " " + after;
    }

    private long jitNanos(Window w) {
        return w.sender().jitNanos() + (nodes.inProcess() ? 0 : w.recipient().jitNanos());
    }

    private double jitShare(Window w) {
        if (nodes.inProcess()) {
            return w.sender().jitShare();
        }
        long jvm = w.sender().jvmNanos() + w.recipient().jvmNanos();
        return jvm <= 0 ? Double.NaN : (double) (w.sender().jitNanos() + w.recipient().jitNanos()) / jvm;
    }

    /**
     * The reads of /proc that bracket the window (PostgreSQL's processes are found by a walk of all the machine's,
     * hundreds of milliseconds on a busy machine) stay outside it: the JVMs' own CPU is read last before the sleep
     * and first after it, the context switches just outside that, and in the bench's JVM both nodes are one read.
     */
    Window window() throws InterruptedException {
        boolean in = nodes.inProcess();
        ProcessCpu sender0 = nodes.cpu(BenchNetwork.SENDER);
        ProcessCpu recipient0 = in ? sender0 : nodes.cpu(BenchNetwork.RECIPIENT);
        java.util.Map<String, Long> senderSwitches0 = contextSwitches(nodes.pid(BenchNetwork.SENDER));
        java.util.Map<String, Long> recipientSwitches0 = in ? senderSwitches0 : contextSwitches(nodes.pid(BenchNetwork.RECIPIENT));
        long senderJvm0 = jvmNanos(BenchNetwork.SENDER);
        long recipientJvm0 = in ? senderJvm0 : jvmNanos(BenchNetwork.RECIPIENT);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long wall = System.nanoTime() - t0;
        long senderJvm = jvmNanos(BenchNetwork.SENDER) - senderJvm0;
        long recipientJvm = in ? senderJvm : jvmNanos(BenchNetwork.RECIPIENT) - recipientJvm0;
        long senderSwitches = switchesBetween(senderSwitches0, contextSwitches(nodes.pid(BenchNetwork.SENDER)));
        long recipientSwitches = in ? senderSwitches
                : switchesBetween(recipientSwitches0, contextSwitches(nodes.pid(BenchNetwork.RECIPIENT)));
        ProcessCpu sender1 = nodes.cpu(BenchNetwork.SENDER);
        ProcessCpu recipient1 = in ? sender1 : nodes.cpu(BenchNetwork.RECIPIENT);
        return new Window(withJvm(sender1.minus(sender0), senderJvm), withJvm(recipient1.minus(recipient0), recipientJvm),
                senderSwitches, recipientSwitches, wall);
    }

    private long jvmNanos(String code) {
        return ProcessHandle.of(nodes.pid(code)).flatMap(p -> p.info().totalCpuDuration()).map(java.time.Duration::toNanos).orElse(0L);
    }

    /** A PostgreSQL backend that exited in the window took its CPU with it: never below zero. */
    private static ProcessCpu withJvm(ProcessCpu cpu, long jvmNanos) {
        return new ProcessCpu(jvmNanos, Math.max(0, cpu.postgresNanos()), cpu.jitNanos());
    }

    /**
     * Voluntary and involuntary context switches of each thread a process has now, by thread id
     * (/proc/PID/task/TID/status).
     */
    static java.util.Map<String, Long> contextSwitches(long pid) {
        java.util.Map<String, Long> byThread = new java.util.HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> byThread.put(task.getFileName().toString(), taskSwitches(task)));
        } catch (IOException e) {
            // not Linux, or the process has gone
        }
        return byThread;
    }

    /**
     * The switches between two reads: each thread's own difference, a thread started meanwhile counted from zero; a
     * thread that ended meanwhile (a consumer added during a burst, ending) takes its count with it, so this is a close
     * lower bound, never a negative total.
     */
    static long switchesBetween(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        return after.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L))).sum();
    }

    private static long taskSwitches(Path task) {
        try {
            long sum = 0;
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended while being read
        }
    }
}
