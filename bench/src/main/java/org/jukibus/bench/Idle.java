package org.jukibus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** Thread pools named in the profile rows, the most CPU first. */
    static final int TOP_THREADS = 12;

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

    /**
     * One window: each node's process CPU, its threads' CPU and context switches by pool, and the wall time they were
     * taken over (in the bench's JVM both nodes are one process: the recipient's profile is the sender's).
     */
    record Window(ProcessCpu sender, ProcessCpu recipient, ThreadProfile.Delta senderThreads, ThreadProfile.Delta recipientThreads,
                  long wallNanos) {

        long senderSwitches() {
            return senderThreads.switches();
        }

        long recipientSwitches() {
            return recipientThreads.switches();
        }

        /** Share of one core: both nodes' JVMs (one JVM when in process) and their PostgreSQL. */
        double totalShare(boolean inProcess) {
            return (jvmNanos(inProcess) + sender.postgresNanos() + (inProcess ? 0 : recipient.postgresNanos())) / (double) wallNanos;
        }

        long jvmNanos(boolean inProcess) {
            return sender.jvmNanos() + (inProcess ? 0 : recipient.jvmNanos());
        }

        double switchesPerSecond(boolean inProcess) {
            return (senderSwitches() + (inProcess ? 0 : recipientSwitches())) * 1e9 / wallNanos;
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
        profile(windows, report);
    }

    /**
     * The profile that shows where the idle time went (issue 19: a missed target gets one): per node JVM (in the
     * bench's JVM, the one JVM, the bench's own sleeping threads with it), user and system time, voluntary and
     * involuntary context switches, and the thread pools that used the most CPU, over all the windows together.
     */
    private void profile(List<Window> windows, Report report) {
        ThreadProfile.Delta sender = windows.stream().map(Window::senderThreads).reduce(ThreadProfile.Delta.EMPTY, ThreadProfile.Delta::plus);
        if (nodes.inProcess()) {
            profileRow("both nodes' JVM (and the bench's)", sender, report);
            return;
        }
        ThreadProfile.Delta recipient = windows.stream().map(Window::recipientThreads).reduce(ThreadProfile.Delta.EMPTY, ThreadProfile.Delta::plus);
        profileRow("sender's JVM", sender, report);
        profileRow("recipient's JVM", recipient, report);
    }

    private void profileRow(String whose, ThreadProfile.Delta threads, Report report) {
        String line = threads.describe(TOP_THREADS);
        Bench.say("idle" + suffix() + " profile, " + whose + ": " + line);
        report.row("  idle" + suffix() + " profile, " + whose + " (share of a core by thread pool, its context switches)", line);
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
        Map<String, ThreadProfile.Task> senderThreads0 = ThreadProfile.read(nodes.pid(BenchNetwork.SENDER));
        Map<String, ThreadProfile.Task> recipientThreads0 = in ? senderThreads0 : ThreadProfile.read(nodes.pid(BenchNetwork.RECIPIENT));
        long senderJvm0 = jvmNanos(BenchNetwork.SENDER);
        long recipientJvm0 = in ? senderJvm0 : jvmNanos(BenchNetwork.RECIPIENT);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long wall = System.nanoTime() - t0;
        long senderJvm = jvmNanos(BenchNetwork.SENDER) - senderJvm0;
        long recipientJvm = in ? senderJvm : jvmNanos(BenchNetwork.RECIPIENT) - recipientJvm0;
        Map<String, ThreadProfile.Task> senderThreads1 = ThreadProfile.read(nodes.pid(BenchNetwork.SENDER));
        Map<String, ThreadProfile.Task> recipientThreads1 = in ? senderThreads1 : ThreadProfile.read(nodes.pid(BenchNetwork.RECIPIENT));
        ProcessCpu sender1 = nodes.cpu(BenchNetwork.SENDER);
        ProcessCpu recipient1 = in ? sender1 : nodes.cpu(BenchNetwork.RECIPIENT);
        // the Java names of the threads (the kernel keeps 15 characters of each), read after the window: jcmd attaches
        ThreadProfile.Delta senderThreads = ThreadProfile.between(senderThreads0, senderThreads1, wall,
                ThreadProfile.javaNames(nodes.pid(BenchNetwork.SENDER)));
        ThreadProfile.Delta recipientThreads = in ? senderThreads : ThreadProfile.between(recipientThreads0, recipientThreads1, wall,
                ThreadProfile.javaNames(nodes.pid(BenchNetwork.RECIPIENT)));
        return new Window(withJvm(sender1.minus(sender0), senderJvm), withJvm(recipient1.minus(recipient0), recipientJvm),
                senderThreads, recipientThreads, wall);
    }

    private long jvmNanos(String code) {
        return ProcessHandle.of(nodes.pid(code)).flatMap(p -> p.info().totalCpuDuration()).map(java.time.Duration::toNanos).orElse(0L);
    }

    /** A PostgreSQL backend that exited in the window took its CPU with it: never below zero. */
    private static ProcessCpu withJvm(ProcessCpu cpu, long jvmNanos) {
        return new ProcessCpu(jvmNanos, Math.max(0, cpu.postgresNanos()), cpu.jitNanos());
    }
}
