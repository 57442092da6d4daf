package org.jukibus.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.CamelContext;
import org.jukibus.broker.NodeBroker;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.core.NodeCodes;
import org.jukibus.node.NodeLauncher;
import org.jukibus.core.NodeRole;
import org.jukibus.flow.transferout.TransferOutFlow;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;
import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jukibus bench}: measures the bus on this machine (issue 6). Two municipal nodes (Shinjuku
 * 131041 sends, Osaka-shi 271004 receives) run in this JVM with their own brokers, journals and
 * TLS links; every figure of one run is measured in the same run on the same machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark: e2e, crypto-only, raw broker, naive camel-xmlsecurity baseline, fixed-rate latency, footprint, fan-out to 1,741 peers, identity-info bulk at central.")
public class BenchCommand implements Callable<Integer> {

    static final String SENDER = "131041";
    static final String RECIPIENT = "271004";
    static final String FLOW = "transfer-in";
    static final String TYPE = "TransferInNotice";
    static final String INBOUND = "jukibus.inbound.transfer-in";
    /** The drop-folder poll delay of routes/common/flow-templates.yaml, used by the naive baseline too. */
    static final int INTAKE_DELAY_MS = 20;

    @Option(names = "--dir", defaultValue = "target/bench", description = "Work folder, emptied first (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--project-dir", defaultValue = ".", description = "Where routes/ and broker-config/ are (default: the current directory).")
    Path projectDir;

    @Option(names = "--notices", defaultValue = "3000", description = "Notices in the saturation runs (e2e, raw, naive) (default: ${DEFAULT-VALUE}).")
    int notices;

    @Option(names = "--warmup", defaultValue = "600", description = "Notices sent through e2e before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--crypto-seconds", defaultValue = "10", description = "Length of the crypto-only loop (default: ${DEFAULT-VALUE}).")
    int cryptoSeconds;

    @Option(names = "--rate", defaultValue = "100", description = "Offered load of the fixed-rate run, notices/s (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--rate-seconds", defaultValue = "20", description = "Length of the fixed-rate run (default: ${DEFAULT-VALUE}).")
    int rateSeconds;

    @Option(names = "--peers", defaultValue = "1741", description = "Distinct peers in the fan-out run (default: ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--fanout-messages", defaultValue = "1741", description = "Messages forwarded in each pass of a fan-out run (default: ${DEFAULT-VALUE}).")
    int fanoutMessages;

    @Option(names = "--identity-batches", defaultValue = "100", description = "Identity updates of --identity-batch-size records sent to central in the bulk run (default: ${DEFAULT-VALUE}).")
    int identityBatches;

    @Option(names = "--identity-batch-size", defaultValue = "1000", description = "Records per identity update in the bulk run (default: ${DEFAULT-VALUE}).")
    int identityBatchSize;

    @Option(names = "--skip", split = ",", description = "Sections to skip: crypto, e2e, rate, raw, naive, fanout, identity.")
    List<String> skip = new ArrayList<>();

    @Option(names = "--results", description = "Append the figures to this markdown file (e.g. bench/results.md).")
    Path results;

    @Option(names = "--note", defaultValue = "", description = "A note to record with the figures in the results file.")
    String note;

    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();
    private Network network;
    private ConfigurableApplicationContext sender;
    private ConfigurableApplicationContext recipient;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        deleteTree(dir);
        say("machine: " + Machine.describe());
        say("provisioning: CA, 2 municipal nodes, central, " + peers + " simulated municipal peers in the signed directory");
        network = provision();
        byte[] sample = Notices.notice(0, SENDER, RECIPIENT);
        say("transfer-in notice: " + sample.length + " bytes (legacy file)");

        long t0 = System.nanoTime();
        recipient = NodeLauncher.start(benchProperties(RECIPIENT));
        long startRecipient = System.nanoTime() - t0;
        t0 = System.nanoTime();
        sender = NodeLauncher.start(benchProperties(SENDER));
        long startSender = System.nanoTime() - t0;
        say(String.format("start-up: first node %.2f s (cold JVM), second node %.2f s", startRecipient / 1e9, startSender / 1e9));
        try {
            CryptoOnly crypto = new CryptoOnly(network, SENDER, RECIPIENT, sample);
            int envelopeBytes = crypto.envelopeSize();
            say("sealed envelope: " + envelopeBytes + " bytes");
            double cryptoRate = Double.NaN;
            if (!skip.contains("crypto")) {
                cryptoRate = crypto.run(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(cryptoSeconds));
                say(String.format("crypto-only: %.0f notices/s (seal + open, %d threads)", cryptoRate, Runtime.getRuntime().availableProcessors()));
            }

            double e2eRate = Double.NaN;
            Latencies e2e = null;
            long heapPeak = 0;
            if (!skip.contains("e2e")) {
                say("e2e warm-up: " + warmup + " notices");
                runE2e(warmup, 1_000_000, null);
                HeapSampler heap = new HeapSampler();
                heap.start();
                e2e = new Latencies();
                e2eRate = runE2e(notices, 0, e2e);
                heapPeak = heap.stop();
                say(String.format("e2e at saturation: %.0f notices/s, latency p50/p95/p99 %s ms", e2eRate, e2e.summary()));
            }
            Latencies atRate = null;
            if (!skip.contains("rate")) {
                atRate = new Latencies();
                double achieved = runE2e(rate * rateSeconds, rate, atRate);
                say(String.format("e2e at %d/s offered: %.0f/s delivered, latency p50/p95/p99 %s ms", rate, achieved, atRate.summary()));
            }
            System.gc();
            Thread.sleep(500);
            System.gc();
            long heapLive = memory.getHeapMemoryUsage().getUsed();

            double rawRate = Double.NaN;
            Latencies raw = null;
            if (!skip.contains("raw")) {
                raw = new Latencies();
                rawRate = runRaw(notices, envelopeBytes, raw);
                say(String.format("raw broker: %.0f messages/s, latency p50/p95/p99 %s ms", rawRate, raw.summary()));
            }

            double naiveRate = Double.NaN;
            Latencies naive = null;
            if (!skip.contains("naive")) {
                naive = new Latencies();
                naiveRate = runNaive(notices, naive);
                say(String.format("naive baseline: %.0f notices/s, latency p50/p95/p99 %s ms", naiveRate, naive.summary()));
            }

            double fanTwo = Double.NaN;
            double fanMany = Double.NaN;
            double fanTwoFirst = Double.NaN;
            double fanManyFirst = Double.NaN;
            if (!skip.contains("fanout")) {
                FanOut fan = new FanOut();
                fanTwoFirst = fan.run(2);
                fanTwo = fan.run(2);
                say(String.format("forwarding to 2 peers: %.0f messages/s (first pass %.0f)", fanTwo, fanTwoFirst));
                fanManyFirst = fan.run(peers);
                fanMany = fan.run(peers);
                say(String.format("forwarding to %d peers: %.0f messages/s with the links open (first pass, opening them: %.0f)",
                        peers, fanMany, fanManyFirst));
            }

            double bulk = Double.NaN;
            if (!skip.contains("identity")) {
                bulk = new IdentityBulk(network).run(identityBatches, identityBatchSize);
                say(String.format("identity-info bulk: %.0f records/s recorded at central (%d updates of %d records)",
                        bulk, identityBatches, identityBatchSize));
            }

            row("e2e throughput (saturation)", fmt(e2eRate, "notices/s"), "≥ 1,000/s", met(e2eRate >= 1000));
            row("e2e latency p50/p95/p99 (saturation)", e2e == null ? "—" : e2e.summary() + " ms", "", "");
            row("crypto-only (" + Runtime.getRuntime().availableProcessors() + " threads)", fmt(cryptoRate, "notices/s"), "", "");
            row("raw broker (persistent JMS, same forwarding)", fmt(rawRate, "messages/s") + (raw == null ? "" : ", p50/p95/p99 " + raw.summary() + " ms"), "", "");
            row("naive camel-xmlsecurity baseline", fmt(naiveRate, "notices/s") + (naive == null ? "" : ", p50/p95/p99 " + naive.summary() + " ms"), "", "");
            row("e2e / crypto-only", pct(e2eRate / cryptoRate), "≥ 60%", met(e2eRate / cryptoRate >= 0.6));
            row("e2e / raw broker", pct(e2eRate / rawRate), "", "");
            row("e2e / naive", ratio(e2eRate / naiveRate), "≥ 3×", met(e2eRate / naiveRate >= 3));
            row("latency at " + rate + "/s p50/p95/p99", atRate == null ? "—" : atRate.summary() + " ms", "p99 ≤ 50 ms",
                    atRate == null ? "" : met(atRate.percentileMillis(99) <= 50));
            row("identity-info bulk at central (" + identityBatchSize + " records per signed update)", fmt(bulk, "records/s"),
                    "≥ 20,000 records/s", met(bulk >= 20_000));
            row("heap, 2 municipal nodes + bench in one JVM: peak under load / live after GC",
                    mb(heapPeak) + " / " + mb(heapLive), "one node ≤ 256 MB", met(heapLive <= 256L * 1024 * 1024) + " (upper bound)");
            row("start-up of a municipal node (cold JVM / warm)", String.format("%.2f s / %.2f s", startRecipient / 1e9, startSender / 1e9),
                    "≤ 8 s", met(startRecipient <= 8_000_000_000L));
            row("forwarding to " + peers + " vs 2 peers, links open", fmt(fanMany, "") + " vs " + fmt(fanTwo, "messages/s") + " = " + pct(fanMany / fanTwo),
                    "≥ 80%", met(fanMany / fanTwo >= 0.8));
            row("forwarding to " + peers + " vs 2 peers, first pass (opening " + peers + " TLS links)",
                    fmt(fanManyFirst, "") + " vs " + fmt(fanTwoFirst, "messages/s") + " = " + pct(fanManyFirst / fanTwoFirst), "", "");

            String md = markdown(sample.length, envelopeBytes, Duration.between(started, Instant.now()));
            System.out.println();
            System.out.println(md);
            if (results != null) {
                Files.createDirectories(results.toAbsolutePath().getParent());
                Files.writeString(results, md + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                say("appended to " + results);
            }
            return 0;
        } finally {
            sender.close();
            recipient.close();
        }
    }

    // ------------------------------------------------------------------ provisioning

    private Network provision() throws Exception {
        List<NodeSpec> specs = List.of(
                new NodeSpec(NodeRole.CENTRAL, "central", "地方公共団体情報システム機構", null),
                new NodeSpec(NodeRole.PREFECTURE, "13", "東京都", "13"),
                new NodeSpec(NodeRole.PREFECTURE, "27", "大阪府", "27"),
                new NodeSpec(NodeRole.MUNICIPAL, SENDER, "新宿区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, RECIPIENT, "大阪市", "27"));
        Network net = new NetworkProvisioner(projectDir.toAbsolutePath()).provision(dir.toAbsolutePath(), specs);
        // Simulated peers: real certificates from the network CA, listed in the signed directory,
        // whose primary and backup endpoints are the recipient's two real acceptors.
        ProvisionedNode target = net.node(RECIPIENT);
        NodeDirectory loaded = DirectoryLoader.load(net.directoryFile(), net.ca().certificate(),
                Pem.readCrl(net.ca().directory().resolve(CertificateAuthority.CRL_FILE)), java.time.Clock.systemUTC());
        DirectoryBuilder builder = new DirectoryBuilder().serial(loaded.serial() + 1).issuedAt(Instant.now());
        builder.addAll(loaded.all());
        for (String code : simulatedCodes(peers)) {
            KeyMaterial keys = net.ca().issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, code, "模擬" + code),
                    List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
            builder.add(new NodeEntry(NodeRole.MUNICIPAL, code, "模擬" + code, code.substring(0, 2),
                    target.primary(), target.backup(), keys.certificate()));
        }
        Files.write(net.directoryFile(), DirectorySigner.sign(builder.build(), net.node("central").keys()));
        for (ProvisionedNode n : List.of(net.node(SENDER), n(net, RECIPIENT))) {
            Files.createDirectories(n.legacyRoot().resolve("inbox").resolve(FLOW));
            Files.createDirectories(n.legacyRoot().resolve("outbox").resolve(FLOW));
        }
        return net;
    }

    /**
     * A node's properties, with the transfer-out confirmation (a message of another flow, to the
     * prefecture, which the benchmark does not run) left to the legacy system: e2e measures the
     * transfer-in notice alone, the same work as crypto-only.
     */
    private Map<String, Object> benchProperties(String code) {
        Map<String, Object> properties = new LinkedHashMap<>(network.node(code).properties());
        properties.put(TransferOutFlow.CONFIRM_ON_TRANSFER_IN, "false");
        return properties;
    }

    private static ProvisionedNode n(Network net, String code) {
        return net.node(code);
    }

    /** Valid municipal codes (with check digit) distinct from the two real nodes. */
    static List<String> simulatedCodes(int count) {
        List<String> codes = new ArrayList<>(count);
        for (String pref : List.of("13", "27", "14", "23")) {
            for (int i = 0; i < 1000 && codes.size() < count; i++) {
                String five = pref + String.format("%03d", i);
                String code = five + NodeCodes.checkDigit(five);
                if (!code.equals(SENDER) && !code.equals(RECIPIENT)) {
                    codes.add(code);
                }
            }
        }
        if (codes.size() < count) {
            throw new IllegalArgumentException("at most " + codes.size() + " simulated peers");
        }
        return codes;
    }

    // ------------------------------------------------------------------ e2e

    private int serial = 1;

    /**
     * Drops {@code count} notices into the sender's inbox ({@code perSecond} per second, or all at
     * once when 0) and waits for every one in the recipient's outbox. Returns notices/s from the
     * first drop to the last arrival; latencies from each drop to its file's appearance.
     */
    private double runE2e(int count, int perSecond, Latencies latencies) throws Exception {
        Path inbox = network.node(SENDER).legacyRoot().resolve("inbox").resolve(FLOW);
        Path outbox = network.node(RECIPIENT).legacyRoot().resolve("outbox").resolve(FLOW);
        Map<String, Long> dropped = new ConcurrentHashMap<>();
        List<byte[]> contents = new ArrayList<>(count);
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] c = Notices.notice(serial++, SENDER, RECIPIENT);
            contents.add(c);
            names.add(SENDER + "-" + MessageIds.forInput(SENDER, c) + ".xml");
        }
        try (Arrivals arrivals = new Arrivals(outbox)) {
            long first = System.nanoTime();
            long interval = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
            for (int i = 0; i < count; i++) {
                if (interval > 0) {
                    long due = first + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                Path tmp = inbox.resolve("n" + serial + "-" + i + ".part");
                Files.write(tmp, contents.get(i));
                dropped.put(names.get(i), System.nanoTime());
                Files.move(tmp, inbox.resolve("n-" + names.get(i)));
            }
            long last = arrivals.awaitAll(names, Duration.ofSeconds(120 + count / 50));
            if (latencies != null) {
                for (String name : names) {
                    latencies.add(arrivals.at(name) - dropped.get(name));
                }
            }
            return count / ((last - first) / 1e9);
        }
    }

    /** Outbox files as they appear (inotify through WatchService; a listing after an overflow). */
    static final class Arrivals implements AutoCloseable {
        private final Path folder;
        private final WatchService watch;
        private final Map<String, Long> seen = new ConcurrentHashMap<>();
        private final Thread thread;

        Arrivals(Path folder) throws IOException {
            this.folder = folder;
            this.watch = FileSystems.getDefault().newWatchService();
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            thread = new Thread(this::loop, "bench-arrivals");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try {
                while (true) {
                    WatchKey key = watch.take();
                    long now = System.nanoTime();
                    for (WatchEvent<?> e : key.pollEvents()) {
                        if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                            try (Stream<Path> s = Files.list(folder)) {
                                s.forEach(p -> seen.putIfAbsent(p.getFileName().toString(), now));
                            } catch (IOException ignored) {
                                // next event lists again
                            }
                        } else {
                            seen.putIfAbsent(e.context().toString(), now);
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed
            }
        }

        long awaitAll(List<String> names, Duration timeout) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                boolean all = true;
                long last = 0;
                for (String n : names) {
                    Long t = seen.get(n);
                    if (t == null) {
                        all = false;
                        break;
                    }
                    last = Math.max(last, t);
                }
                if (all) {
                    return last;
                }
                Thread.sleep(5);
            }
            long missing = names.stream().filter(n -> !seen.containsKey(n)).count();
            throw new IllegalStateException(missing + " of " + names.size() + " notices did not reach " + folder + " within " + timeout);
        }

        long at(String name) {
            return seen.get(name);
        }

        @Override
        public void close() throws IOException {
            watch.close();
        }
    }

    // ------------------------------------------------------------------ raw broker

    /**
     * Plain persistent JMS messages of the envelope's size put on the sender's outbound queue (as
     * the intake does), forwarded by the same forward-outbound route over the same TLS link, taken
     * off the recipient's inbound queue in a local transaction (as the delivery does), no crypto.
     */
    private double runRaw(int count, int size, Latencies latencies) throws Exception {
        CamelContext rc = recipient.getBean(CamelContext.class);
        rc.getRouteController().stopRoute("transfer-in-delivery");
        try {
            ConnectionFactory out = sender.getBean("localConnectionFactory", ConnectionFactory.class);
            ConnectionFactory in = recipient.getBean("localConnectionFactory", ConnectionFactory.class);
            byte[] body = new byte[size];
            new java.util.Random(1).nextBytes(body);
            Map<String, Long> sent = new ConcurrentHashMap<>();
            AtomicLong lastReceived = new AtomicLong();
            AtomicBoolean failed = new AtomicBoolean();
            Thread consumer = new Thread(() -> {
                try (Connection c = in.createConnection()) {
                    c.start();
                    Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer mc = s.createConsumer(s.createQueue(INBOUND));
                    for (int i = 0; i < count; ) {
                        Message m = mc.receive(60_000);
                        if (m == null) {
                            failed.set(true);
                            return;
                        }
                        ((BytesMessage) m).readBytes(new byte[size]);
                        s.commit();
                        long now = System.nanoTime();
                        Long t = sent.get(m.getStringProperty(Headers.MESSAGE_ID));
                        if (t != null) {
                            latencies.add(now - t);
                            lastReceived.set(now);
                            i++;
                        }
                    }
                } catch (Exception e) {
                    failed.set(true);
                    e.printStackTrace();
                }
            }, "bench-raw-consumer");
            consumer.start();
            long first = System.nanoTime();
            try (Connection c = out.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("jukibus.outbound"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 0; i < count; i++) {
                    String id = "raw-" + serial++ + "-" + System.nanoTime();
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(body);
                    m.setStringProperty(Headers.MESSAGE_ID, id);
                    m.setStringProperty(Headers.TYPE, TYPE);
                    m.setStringProperty(Headers.RECIPIENT, RECIPIENT);
                    m.setStringProperty(Headers.ADDRESS, INBOUND);
                    m.setStringProperty(Headers.DUPLICATE_ID, id);
                    sent.put(id, System.nanoTime());
                    p.send(m);
                }
            }
            consumer.join(Duration.ofSeconds(120 + count / 50).toMillis());
            if (failed.get() || consumer.isAlive()) {
                throw new IllegalStateException("raw broker run did not complete");
            }
            return count / ((lastReceived.get() - first) / 1e9);
        } finally {
            rc.getRouteController().startRoute("transfer-in-delivery");
        }
    }

    // ------------------------------------------------------------------ naive baseline

    private double runNaive(int count, Latencies latencies) throws Exception {
        CamelContext rc = recipient.getBean(CamelContext.class);
        rc.getRouteController().stopRoute("transfer-in-delivery");
        Path root = dir.toAbsolutePath().resolve("naive");
        try (NaiveBaseline naive = NaiveBaseline.start(root, network, SENDER, RECIPIENT,
                sender.getBean("localConnectionFactory", ConnectionFactory.class),
                recipient.getBean("localConnectionFactory", ConnectionFactory.class))) {
            // warm-up
            runNaiveBatch(naive, Math.min(200, count), null);
            return runNaiveBatch(naive, count, latencies);
        } finally {
            rc.getRouteController().startRoute("transfer-in-delivery");
        }
    }

    private double runNaiveBatch(NaiveBaseline naive, int count, Latencies latencies) throws Exception {
        Map<String, Long> dropped = new ConcurrentHashMap<>();
        List<byte[]> contents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] c = Notices.notice(serial++, SENDER, RECIPIENT);
            contents.add(c);
            names.add(MessageIds.forInput(SENDER, c) + ".xml");
        }
        try (Arrivals arrivals = new Arrivals(naive.outbox())) {
            long first = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Path tmp = naive.inbox().resolve("n" + i + ".part");
                Files.write(tmp, contents.get(i));
                dropped.put(names.get(i), System.nanoTime());
                Files.move(tmp, naive.inbox().resolve("n-" + names.get(i)));
            }
            long last = arrivals.awaitAll(names, Duration.ofSeconds(180 + count / 20));
            if (latencies != null) {
                for (String name : names) {
                    latencies.add(arrivals.at(name) - dropped.get(name));
                }
            }
            return count / ((last - first) / 1e9);
        }
    }

    // ------------------------------------------------------------------ fan-out

    /**
     * Forwarding throughput of the sender's forward-outbound route to {@code n} distinct peers:
     * sealed envelopes (each for its peer) are queued on the sender's outbound queue while the route
     * is stopped, then the route is started and timed until the recipient's broker (which every
     * simulated peer's endpoints point at) has stored them all. The recipient's delivery route is
     * stopped meanwhile; the queue is emptied afterwards.
     */
    final class FanOut {
        private final Map<String, byte[]> envelopes = new ConcurrentHashMap<>();

        double run(int n) throws Exception {
            List<String> codes = new ArrayList<>();
            codes.add(RECIPIENT);
            codes.addAll(simulatedCodes(n - 1));
            CamelContext sc = sender.getBean(CamelContext.class);
            CamelContext rc = recipient.getBean(CamelContext.class);
            Queue inbound = recipient.getBean(NodeBroker.class).server().locateQueue(SimpleString.of(INBOUND));
            rc.getRouteController().stopRoute("transfer-in-delivery");
            sc.getRouteController().stopRoute("forward-outbound");
            try {
                CryptoOnly seal = new CryptoOnly(network, SENDER, RECIPIENT, Notices.notice(0, SENDER, RECIPIENT));
                ConnectionFactory out = sender.getBean("localConnectionFactory", ConnectionFactory.class);
                long before = inbound.getMessagesAdded();
                try (Connection c = out.createConnection()) {
                    Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                    MessageProducer p = s.createProducer(s.createQueue("jukibus.outbound"));
                    p.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; i < fanoutMessages; i++) {
                        String peer = codes.get(i % codes.size());
                        byte[] body = envelopes.computeIfAbsent(peer, seal::sealFor);
                        String id = "fan-" + n + "-" + i + "-" + System.nanoTime();
                        BytesMessage m = s.createBytesMessage();
                        m.writeBytes(body);
                        m.setStringProperty(Headers.MESSAGE_ID, id);
                        m.setStringProperty(Headers.TYPE, TYPE);
                        m.setStringProperty(Headers.RECIPIENT, peer);
                        m.setStringProperty(Headers.ADDRESS, INBOUND);
                        m.setStringProperty(Headers.DUPLICATE_ID, id);
                        p.send(m);
                        if (i % 500 == 499) {
                            s.commit();
                        }
                    }
                    s.commit();
                }
                long first = System.nanoTime();
                sc.getRouteController().startRoute("forward-outbound");
                long deadline = first + Duration.ofSeconds(600).toNanos();
                while (inbound.getMessagesAdded() - before < fanoutMessages) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("fan-out to " + n + " peers did not complete: "
                                + (inbound.getMessagesAdded() - before) + " of " + fanoutMessages);
                    }
                    Thread.sleep(2);
                }
                return fanoutMessages / ((System.nanoTime() - first) / 1e9);
            } finally {
                if (!sc.getRouteController().getRouteStatus("forward-outbound").isStarted()) {
                    sc.getRouteController().startRoute("forward-outbound");
                }
                inbound.deleteAllReferences();
                rc.getRouteController().startRoute("transfer-in-delivery");
            }
        }
    }

    // ------------------------------------------------------------------ heap

    final class HeapSampler {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        void start() {
            thread = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return peak.get();
        }
    }

    // ------------------------------------------------------------------ output

    private void row(String what, String value, String target, String met) {
        table.add(new String[] {what, value, target, met});
    }

    private String markdown(int noticeBytes, int envelopeBytes, Duration took) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" — jukibus bench\n\n");
        sb.append("Machine: ").append(Machine.describe()).append("  \n");
        sb.append("Notice ").append(noticeBytes).append(" B, sealed envelope ").append(envelopeBytes).append(" B; ")
                .append(notices).append(" notices per saturation run after ").append(warmup).append(" warm-up; ")
                .append(rate).append("/s for ").append(rateSeconds).append(" s; fan-out ").append(fanoutMessages)
                .append(" messages; run took ").append(took.toSeconds()).append(" s.");
        if (!note.isBlank()) {
            sb.append("  \nNote: ").append(note);
        }
        sb.append("\n\n| measure | value | target | met |\n|---|---|---|---|\n");
        for (String[] r : table) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    private static String fmt(double v, String unit) {
        return Double.isNaN(v) ? "—" : String.format("%,.0f %s", v, unit).trim();
    }

    private static String pct(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format("%.0f%%", v * 100);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format("%.2f×", v);
    }

    private static String met(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    private static String mb(long bytes) {
        return bytes / (1024 * 1024) + " MB";
    }

    private static void say(String line) {
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
