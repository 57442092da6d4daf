package org.jukibus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jukibus.flow.MessageIds;

/**
 * e2e: transfer-in notices dropped into Shinjuku's {@code legacy/inbox/transfer-in/}, timed to two
 * points: the notice's file in Osaka-shi's {@code legacy/outbox/transfer-in/} (the outbox name is
 * derived from the message id, so each arrival is matched to its drop time), and Osaka-shi's signed
 * receipt back in Shinjuku's {@code legacy/outbox/receipt/} (matched by the message ids a receipt
 * names, so a receipt acknowledging several notices counts for each). A notice is done when its
 * receipt is back: the throughput counts receipts.
 */
final class EndToEnd {

    private static final Pattern ACKNOWLEDGED = Pattern.compile("<(?:\\w+:)?ReceivedMessageId>([^<]+)</");

    /** One run: rates from the first drop to the last arrival, latencies from each drop, CPU of each node. */
    record Run(int count, double outboxRate, double receiptRate, Latencies toOutbox, Latencies toReceipt,
               ProcessCpu senderCpu, ProcessCpu recipientCpu, double jitShare, Plumbing senderPlumbing, Plumbing recipientPlumbing) {
    }

    private final BenchNetwork network;
    private final Nodes nodes;

    EndToEnd(BenchNetwork network, Nodes nodes) {
        this.network = network;
        this.nodes = nodes;
    }

    boolean inProcess() {
        return nodes.inProcess();
    }

    /** Warm-up until steady, then {@code runs} saturation runs: the figures of the e2e rows. */
    void measure(Settings settings, Report report) throws Exception {
        Bench.say("e2e warm-up: windows of " + settings.warmupWindow() + " notices until two are within 10% and the JIT takes at most 10% of the CPU");
        WarmUp.Outcome warm = WarmUp.untilSteady(() -> {
            Run r = run(settings.warmupWindow(), 0, false);
            return new WarmUp.Window(r.receiptRate(), r.jitShare());
        }, settings.warmupMaxWindows());
        report.note("e2e warm-up: " + warm.describe());
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            Run r = run(settings.notices(), 0, true);
            Bench.say(String.format("e2e run %d: %.0f notices/s with receipts back (%.0f/s to the outbox); to outbox p50/p99 %.1f/%.1f ms,"
                            + " receipt back p50/p99 %.1f/%.1f ms; JIT %.0f%% of the CPU", i + 1, r.receiptRate(), r.outboxRate(),
                    r.toOutbox().percentileMillis(50), r.toOutbox().percentileMillis(99),
                    r.toReceipt().percentileMillis(50), r.toReceipt().percentileMillis(99), r.jitShare() * 100));
            runs.add(r);
        }
        Figure rate = Figure.of(runs, Run::receiptRate);
        report.keep("e2e", rate);
        report.row("e2e throughput, receipts back at the sender (saturation, " + settings.notices() + " notices)",
                rate.format("%,.0f") + " notices/s", "≥ 800/s", Report.met(rate.median() >= 800));
        report.row("e2e throughput to the recipient's outbox", Figure.of(runs, Run::outboxRate).format("%,.0f") + " notices/s");
        report.row("e2e latency to the outbox p50 / p99 (saturation)", latency(runs, Run::toOutbox, 50) + " / " + latency(runs, Run::toOutbox, 99) + " ms");
        report.row("e2e latency until the receipt is back p50 / p99 (saturation)",
                latency(runs, Run::toReceipt, 50) + " / " + latency(runs, Run::toReceipt, 99) + " ms");
        report.row("JIT share of the CPU in the measured e2e runs", Figure.of(runs, r -> r.jitShare() * 100).format("%.0f") + "%", "", "");
        if (nodes.inProcess()) {
            report.row("CPU per notice, both nodes and the bench in one JVM / their PostgreSQL",
                    Figure.of(runs, r -> r.senderCpu().jvmNanos() / 1e6 / r.count()).format("%.1f") + " ms / "
                            + Figure.of(runs, r -> r.senderCpu().postgresNanos() / 1e6 / r.count()).format("%.2f") + " ms");
        } else {
            report.row("CPU per notice, sender's JVM / its PostgreSQL",
                    Figure.of(runs, r -> r.senderCpu().jvmNanos() / 1e6 / r.count()).format("%.1f") + " ms / "
                            + Figure.of(runs, r -> r.senderCpu().postgresNanos() / 1e6 / r.count()).format("%.2f") + " ms");
            report.row("CPU per notice, recipient's JVM / its PostgreSQL",
                    Figure.of(runs, r -> r.recipientCpu().jvmNanos() / 1e6 / r.count()).format("%.1f") + " ms / "
                            + Figure.of(runs, r -> r.recipientCpu().postgresNanos() / 1e6 / r.count()).format("%.2f") + " ms");
        }
        plumbingRows(runs, nodes.inProcess(), "e2e", report);
    }

    /**
     * Where the time JFR does not see goes, per notice and per node (issue 19 item 2): the JVM's user / system CPU, its
     * voluntary / involuntary context switches, the sync points (fsync + fdatasync) and futex calls of the JVM and of
     * its PostgreSQL. In one JVM the JVM's counts are both nodes' (and the bench's), the PostgreSQL ones per node.
     */
    static void plumbingRows(List<Run> runs, boolean inProcess, String what, Report report) {
        if (inProcess) {
            report.row("  " + what + ", per notice, both nodes' JVM (with the bench): user / system CPU; voluntary / involuntary context switches",
                    kernel(runs, Run::senderPlumbing));
        } else {
            report.row("  " + what + ", per notice, sender's JVM: user / system CPU; voluntary / involuntary context switches",
                    kernel(runs, Run::senderPlumbing));
            report.row("  " + what + ", per notice, recipient's JVM: user / system CPU; voluntary / involuntary context switches",
                    kernel(runs, Run::recipientPlumbing));
        }
        report.row("  " + what + ", per notice, sender: fsync+fdatasync / futex calls of the JVM" + (inProcess ? " (both nodes)" : "")
                + "; fsync+fdatasync of its PostgreSQL", calls(runs, Run::senderPlumbing, true));
        report.row("  " + what + ", per notice, recipient: fsync+fdatasync / futex calls of the JVM" + (inProcess ? " (counted with the sender's)" : "")
                + "; fsync+fdatasync of its PostgreSQL", calls(runs, Run::recipientPlumbing, !inProcess));
    }

    private static String kernel(List<Run> runs, java.util.function.Function<Run, Plumbing> node) {
        return Figure.of(runs, r -> node.apply(r).jvm().userNanos() / 1e6 / r.count()).format("%.2f") + " / "
                + Figure.of(runs, r -> node.apply(r).jvm().systemNanos() / 1e6 / r.count()).format("%.2f") + " ms; "
                + Figure.of(runs, r -> (double) node.apply(r).jvm().voluntarySwitches() / r.count()).format("%.0f") + " / "
                + Figure.of(runs, r -> (double) node.apply(r).jvm().involuntarySwitches() / r.count()).format("%.0f");
    }

    private static String calls(List<Run> runs, java.util.function.Function<Run, Plumbing> node, boolean withJvm) {
        String jvm = withJvm
                ? Figure.of(runs, r -> node.apply(r).jvmSyncsPerNotice(r.count())).format("%.1f") + " / "
                        + Figure.of(runs, r -> node.apply(r).jvmPerNotice("futex", r.count())).format("%.0f")
                : "(above)";
        String text = jvm + "; " + Figure.of(runs, r -> node.apply(r).postgresSyncsPerNotice(r.count())).format("%.1f");
        return text.contains("—") ? text + " (— : perf with tracepoint access, root or perf_event_paranoid -1, not available)" : text;
    }

    static String latency(List<Run> runs, java.util.function.Function<Run, Latencies> which, double percentile) {
        return Figure.of(runs, r -> which.apply(r).percentileMillis(percentile)).format("%.1f");
    }

    /**
     * Drops {@code count} notices ({@code perSecond} per second, or all at once when 0) and waits for
     * every one in the recipient's outbox and for its receipt at the sender.
     */
    Run run(int count, int perSecond, boolean profiled) throws Exception {
        List<byte[]> contents = new ArrayList<>(count);
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] c = Notices.next(BenchNetwork.SENDER, BenchNetwork.RECIPIENT);
            contents.add(c);
            ids.add(MessageIds.forInput(BenchNetwork.SENDER, c));
        }
        List<String> outboxNames = ids.stream().map(id -> BenchNetwork.SENDER + "-" + id + ".xml").toList();
        Map<String, Long> dropped = new ConcurrentHashMap<>();
        Path inbox = network.inbox();
        try (Arrivals outbox = Arrivals.byName(network.outbox());
             Arrivals receipts = new Arrivals(network.receipts(), EndToEnd::acknowledged)) {
            Plumbing.Probe senderProbe = profiled ? probe(BenchNetwork.SENDER, true) : null;
            Plumbing.Probe recipientProbe = profiled ? probe(BenchNetwork.RECIPIENT, !nodes.inProcess()) : null;
            if (profiled) {
                Syscalls.awaitAttached();
                senderProbe.begin();
                recipientProbe.begin();
            }
            ProcessCpu sender0 = nodes.cpu(BenchNetwork.SENDER);
            ProcessCpu recipient0 = nodes.cpu(BenchNetwork.RECIPIENT);
            long first = System.nanoTime();
            long interval = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
            for (int i = 0; i < count; i++) {
                long wait = first + i * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Path tmp = inbox.resolve(".bench-" + ids.get(i) + ".part");
                Files.write(tmp, contents.get(i));
                dropped.put(ids.get(i), System.nanoTime());
                Files.move(tmp, inbox.resolve("n-" + ids.get(i) + ".xml"));
            }
            long lastOutbox = outbox.awaitAll(outboxNames, Settings.patience(count));
            long lastReceipt = receipts.awaitAll(ids, Settings.patience(count));
            ProcessCpu senderCpu = nodes.cpu(BenchNetwork.SENDER).minus(sender0);
            ProcessCpu recipientCpu = nodes.cpu(BenchNetwork.RECIPIENT).minus(recipient0);
            Plumbing senderPlumbing = profiled ? senderProbe.stop() : Plumbing.NONE;
            Plumbing recipientPlumbing = profiled ? recipientProbe.stop() : Plumbing.NONE;
            double jit = nodes.inProcess() ? senderCpu.jitShare() // one JVM: the same process
                    : (double) (senderCpu.jitNanos() + recipientCpu.jitNanos()) / (senderCpu.jvmNanos() + recipientCpu.jvmNanos());
            Latencies toOutbox = new Latencies();
            Latencies toReceipt = new Latencies();
            for (int i = 0; i < count; i++) {
                long t = dropped.get(ids.get(i));
                toOutbox.add(outbox.at(outboxNames.get(i)) - t);
                toReceipt.add(receipts.at(ids.get(i)) - t);
            }
            outbox.deleteCounted();
            receipts.deleteCounted();
            return new Run(count, count / ((lastOutbox - first) / 1e9), count / ((lastReceipt - first) / 1e9),
                    toOutbox, toReceipt, senderCpu, recipientCpu, jit, senderPlumbing, recipientPlumbing);
        }
    }

    /**
     * Counting for one node: its JVM (unless {@code withJvm} is false: in the bench's JVM both nodes are one process,
     * counted once with the sender) and its PostgreSQL.
     */
    private Plumbing.Probe probe(String code, boolean withJvm) {
        return Plumbing.start(withJvm ? nodes.pid(code) : -1, ProcessCpu.postgresProcesses(network.pgdata(code)));
    }

    /** The message ids a receipt file acknowledges. */
    static List<String> acknowledged(Path receipt) {
        try {
            Matcher m = ACKNOWLEDGED.matcher(Files.readString(receipt, StandardCharsets.UTF_8));
            List<String> ids = new ArrayList<>();
            while (m.find()) {
                ids.add(m.group(1).trim());
            }
            return ids;
        } catch (IOException e) {
            return List.of(); // taken away before it was read: its notices time out and the run says so
        }
    }
}
