package org.jukibus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jukibus.logging.NodeLogging;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jukibus bench}: measures the bus on this machine (issues 6 and 19). Provisions a network,
 * starts Shinjuku 131041 (sender) and Osaka-shi 271004 (recipient) in this JVM or each in its own,
 * and runs each measurement (one class each) several times after a warm-up until steady; every figure
 * is the median of the runs with their spread, all from the same run on the same machine.
 * Built apart from the product (bench/pom.xml): neither this code nor camel-xmlsecurity is in jukibus.jar.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark: crypto-only, idle nodes, e2e (to the outbox and with receipts back), latency at offered rates, raw broker,"
                + " naive camel-xmlsecurity baseline, footprint, fan-out to 1,741 peers, identity-info bulk at central.")
public class Bench implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "target/bench", description = "Work folder, emptied first (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--project-dir", defaultValue = ".", description = "Where routes/ and broker-config/ are (default: the current directory).")
    Path projectDir;

    @Option(names = "--notices", defaultValue = "3000", description = "Notices (or raw messages) per saturation run (default: ${DEFAULT-VALUE}).")
    int notices;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each measurement; figures are their median and spread (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-window", defaultValue = "500", description = "Notices per e2e (and naive) warm-up window (default: ${DEFAULT-VALUE}).")
    int warmupWindow;

    @Option(names = "--warmup-max-windows", defaultValue = "20", description = "Warm-up windows at most, when throughput never steadies within 10%% (default: ${DEFAULT-VALUE}).")
    int warmupMaxWindows;

    @Option(names = "--crypto-seconds", defaultValue = "10", description = "Length of each crypto-only run (default: ${DEFAULT-VALUE}).")
    int cryptoSeconds;

    @Option(names = "--rates", split = ",", defaultValue = "100,300", description = "Offered loads of the latency runs, notices/s (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--rate-seconds", defaultValue = "20", description = "Length of each latency run (default: ${DEFAULT-VALUE}).")
    int rateSeconds;

    @Option(names = "--peers", defaultValue = "1741", description = "Distinct peers in the fan-out run (default: ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--fanout-messages", defaultValue = "1741", description = "Messages forwarded in each pass of a fan-out run (default: ${DEFAULT-VALUE}).")
    int fanoutMessages;

    @Option(names = "--identity-batches", defaultValue = "100", description = "Identity updates sent to central in each bulk run (default: ${DEFAULT-VALUE}).")
    int identityBatches;

    @Option(names = "--identity-batch-size", defaultValue = "1000", description = "Records per identity update (default: ${DEFAULT-VALUE}).")
    int identityBatchSize;

    @Option(names = "--idle-seconds", defaultValue = "30", description = "Length of each idle window, the nodes up and nothing sent (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--idle-settle-seconds", defaultValue = "60",
            description = "Wait after the nodes are up before the idle windows (default: ${DEFAULT-VALUE}).")
    int idleSettleSeconds;

    @Option(names = "--separate-jvms", description = "Run each node in its own JVM (java -jar --product-jar node) and report CPU per notice per node;"
            + " raw, naive and fan-out need the nodes in this JVM and are skipped.")
    boolean separateJvms;

    @Option(names = "--product-jar", defaultValue = "target/jukibus.jar",
            description = "The product jar the start-up section and the separate JVMs run (default: ${DEFAULT-VALUE}).")
    Path productJar;

    @Option(names = "--layout-jar", defaultValue = "target/extracted/jukibus-layout.jar",
            description = "The extracted layout's jar (lib/ beside it) the start-up section also starts, as the Debian package does (default: ${DEFAULT-VALUE}).")
    Path layoutJar;

    @Option(names = "--start-classlist", defaultValue = "src/deb/cds/jukibus.classlist",
            description = "The class list the start-up section dumps the layout's class-data archive from, as the Debian package does"
                    + " (default: ${DEFAULT-VALUE}); none: the layout without an archive (JUKIBUS_CDS=off).")
    Path startClassList;

    @Option(names = "--node-jvm-options", split = " ",
            description = "JVM options of the node JVMs of the start-up section and --separate-jvms, space-separated (e.g. \"-Xmx512m\").")
    List<String> nodeJvmOptions = new ArrayList<>();

    @Option(names = "--skip", split = ",", description = "Sections to skip: start, crypto, idle, e2e, rate, raw, naive, fanout, identity.")
    List<String> skip = new ArrayList<>();

    @Option(names = "--results", description = "Append the table to this markdown file (e.g. bench/results.md).")
    Path results;

    @Option(names = "--note", defaultValue = "", description = "A note to record with the figures (e.g. what else ran on the machine).")
    String note;

    public static void main(String[] args) {
        NodeLogging.quietBeforeSpring();
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        Settings settings = new Settings(notices, runs, warmupWindow, warmupMaxWindows, cryptoSeconds, rates, rateSeconds, peers,
                fanoutMessages, identityBatches, identityBatchSize);
        deleteTree(dir);
        say("machine: " + Machine.describe());
        say("provisioning: CA, 2 municipal nodes, central, " + peers + " simulated municipal peers in the signed directory");
        BenchNetwork network = BenchNetwork.provision(projectDir, dir, peers);
        byte[] sample = Notices.notice(0, BenchNetwork.SENDER, BenchNetwork.RECIPIENT);
        CryptoOnly crypto = new CryptoOnly(network.network(), BenchNetwork.SENDER, BenchNetwork.RECIPIENT, sample);
        int envelopeBytes = crypto.envelopeSize();
        say("transfer-in notice " + sample.length + " bytes, sealed envelope " + envelopeBytes + " bytes");
        Report report = new Report();
        if (ProcessCpu.dynamicCompilerThreads()) {
            report.note("this JVM ran with dynamic compiler threads: its JIT shares are lower bounds (bench/run passes -XX:-UseDynamicNumberOfCompilerThreads)");
        }
        if (!skip.contains("start")) {
            new StartUp(network, productJar, layoutJar, startClassList, nodeJvmOptions).measure(settings, report);
        }
        if (!skip.contains("crypto")) {
            crypto.measure(settings, report);
        }
        boolean nodeSections = Stream.of("idle", "e2e", "rate", "raw", "naive", "fanout").anyMatch(s -> !skip.contains(s));
        if (nodeSections) {
            measureNodes(network, settings, report, envelopeBytes, crypto);
        }
        if (!skip.contains("identity")) {
            new IdentityBulk(network.network()).measure(settings, report);
        }
        ratios(report);
        write(report, sample.length, envelopeBytes, started);
        return 0;
    }

    /** Starts the two municipal nodes and runs the sections that need them. */
    private void measureNodes(BenchNetwork network, Settings settings, Report report, int envelopeBytes, CryptoOnly crypto)
            throws Exception {
        try (Nodes nodes = separateJvms ? new NodeProcesses(network, productJar, nodeJvmOptions) : new InProcessNodes(network)) {
            double[] start = nodes.startSeconds();
            // not the start-up figure (StartUp measures that): the bench's nodes start in an already warm JVM
            // unless --separate-jvms, and the second one beside the first
            say(String.format("nodes started: recipient %.2f s, sender %.2f s", start[1], start[0]));
            runSections(network, nodes, settings, report, envelopeBytes, crypto);
        }
    }

    private static void ratios(Report report) {
        double toCrypto = report.ratio("e2e", "crypto");
        double toNaive = report.ratio("e2e", "naive");
        report.row("e2e / crypto-only (medians)", Report.pct(toCrypto), "≥ 60%", Double.isNaN(toCrypto) ? "" : Report.met(toCrypto >= 0.6));
        report.row("e2e / raw same-forwarding path (medians)", Report.pct(report.ratio("e2e", "raw-forwarding")));
        report.row("e2e / naive (medians)", Report.ratio(toNaive), "≥ 3×", Double.isNaN(toNaive) ? "" : Report.met(toNaive >= 3));
    }

    private void write(Report report, int noticeBytes, int envelopeBytes, Instant started) throws IOException {
        String header = "Machine: " + Machine.describe() + "  \n"
                + String.format("Notice %d B, sealed envelope %d B; %d runs of each measurement; %d notices per saturation run; warm-up windows of %d;"
                        + " offered %s/s for %d s; nodes %s; run took %d s.", noticeBytes, envelopeBytes, runs, notices, warmupWindow,
                rates.stream().map(String::valueOf).collect(Collectors.joining(", ")), rateSeconds,
                separateJvms ? "in separate JVMs" : "in the bench's JVM", Duration.between(started, Instant.now()).toSeconds())
                + (note.isBlank() ? "" : "  \nNote: " + note);
        String md = report.markdown(header);
        System.out.println();
        System.out.println(md);
        if (results != null) {
            Files.createDirectories(results.toAbsolutePath().getParent());
            Files.writeString(results, md + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            say("appended to " + results);
        }
    }

    private void runSections(BenchNetwork network, Nodes nodes, Settings settings, Report report, int envelopeBytes,
                             CryptoOnly crypto) throws Exception {
        if (!skip.contains("idle")) {
            // first, while nothing has been sent yet: the nodes as a municipality's are most of the time
            new Idle(nodes, idleSeconds, idleSettleSeconds).measure(settings, report);
        }
        EndToEnd e2e = new EndToEnd(network, nodes);
        try (Footprint heap = new Footprint()) {
            if (!skip.contains("e2e")) {
                e2e.measure(settings, report);
            }
            if (!skip.contains("rate")) {
                new LatencyAtRates(e2e).measure(settings, report);
            }
            if (nodes.inProcess() && !(skip.contains("e2e") && skip.contains("rate"))) { // no load, no peak under load
                report.row("heap, 2 municipal nodes + bench in one JVM: peak under load / live after GC",
                        mb(heap.peakBytes()) + " / " + mb(Footprint.liveAfterGc()), "one node ≤ 256 MB", "upper bound");
            }
        }
        if (!skip.contains("idle") && !(skip.contains("e2e") && skip.contains("rate"))) {
            // again once traffic has come and gone: consumers added during it, caches, timers with work now
            new Idle(nodes, idleSeconds, idleSettleSeconds, "after traffic").measure(settings, report);
        }
        List<String> inProcessOnly = List.of("raw", "naive", "fanout");
        if (!nodes.inProcess()) {
            inProcessOnly.stream().filter(s -> !skip.contains(s))
                    .forEach(s -> report.note(s + ": not measured (needs the nodes in the bench's JVM; run without --separate-jvms)"));
            return;
        }
        if (!skip.contains("raw")) {
            new RawBroker(nodes, envelopeBytes).measure(settings, report);
        }
        if (!skip.contains("naive")) {
            NaiveBaseline.measure(dir.toAbsolutePath().resolve("naive"), network, nodes, settings, report);
        }
        if (!skip.contains("fanout")) {
            new FanOut(nodes, crypto, fanoutMessages).measure(settings, report);
        }
    }

    private static String mb(long bytes) {
        return bytes / (1024 * 1024) + " MB";
    }

    static void say(String line) {
        System.out.println(">>> " + line);
        System.out.flush();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
