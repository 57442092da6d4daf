package org.jukibus.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.jukibus.broker.BrokerStats;
import org.jukibus.broker.NodeBroker;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.node.NodeLauncher;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A network whose nodes run as processes of their own, the way Artemis's SmokeTestBase runs brokers: for every
 * test a fresh network (central and the given nodes, their stores databases on one PostgreSQL server, see
 * {@link TestNetwork}) in a temporary folder; each node started from its config file
 * ({@code java -jar jukibus.jar node --config ...}, see {@link NodeProcess}), killed with
 * {@code destroyForcibly()} (SIGKILL); after the test every process is killed, the store stopped, the folder
 * deleted. Messages are counted where they end up: files in the legacy folders ({@link OutboxTally}) and what a
 * crash left in the queues ({@link #queueDepths}).
 *
 * <pre>
 * &#64;RegisterExtension
 * final ProcessNetwork net = new ProcessNetwork(SHINJUKU, OSAKA);
 * </pre>
 */
final class ProcessNetwork implements BeforeEachCallback, AfterEachCallback {

    private final String[] codes;
    private final List<NodeProcess> processes = new ArrayList<>();
    private TestNetwork net;

    /** Central and these nodes ({@link Codes}); central is provisioned (it signs the directory) but not run. */
    ProcessNetwork(String... codes) {
        this.codes = codes;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        net = TestNetwork.provisionTemporary(codes);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        processes.forEach(NodeProcess::close);
        processes.clear();
        if (net != null) {
            if (context.getExecutionException().isPresent()) {
                keepLogs(Path.of("target", "failed-node-logs", context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName()));
            }
            net.discard();
        }
    }

    /** The network's folder is deleted after the test: a failed test keeps every node's logs for whoever reads why. */
    private void keepLogs(Path target) throws IOException {
        for (String code : codes) {
            Path home = net.node(code).home();
            if (!Files.isDirectory(home)) {
                continue;
            }
            Files.createDirectories(target.resolve(code));
            try (Stream<Path> logs = Files.list(home)) {
                for (Path log : logs.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                    Files.copy(log, target.resolve(code).resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        System.out.println("node logs of the failed test kept in " + target.toAbsolutePath());
    }

    /** The network as provisioned: node properties to change before a start, the shared store, nodes run in this JVM. */
    TestNetwork net() {
        return net;
    }

    ProvisionedNode node(String code) {
        return net.node(code);
    }

    /** The node's config file, written from its properties as they are now. */
    Path config(String code) throws IOException {
        NetworkProvisioner.writeConfigFiles(net.network);
        return node(code).home().resolve("node.properties");
    }

    /** Starts the node as a process from its config file (with any extra JVM options); see {@link NodeProcess#awaitStarted}. */
    NodeProcess start(String code, String... jvmOptions) throws IOException {
        config(code);
        return track(new NodeProcess(node(code))).start(jvmOptions);
    }

    /** A server of the node started from another config file, see {@link NodeProcess#NodeProcess(ProvisionedNode, Path, String, String)}. */
    NodeProcess start(String code, Path config, String logName, String startedMarker) throws IOException {
        return track(new NodeProcess(node(code), config, logName, startedMarker)).start();
    }

    private NodeProcess track(NodeProcess process) {
        processes.add(process);
        return process;
    }

    /** Drops a transfer-in notice from {@code from} to {@code to} into the sender's legacy inbox (written elsewhere, then renamed). */
    void dropNotice(String from, String to, String noticeId) throws IOException {
        Path inbox = inbox(from, "transfer-in");
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve(noticeId + ".part");
        Files.write(tmp, Notices.transferIn(noticeId, Codes.RESIDENT, from, to));
        Files.move(tmp, inbox.resolve(noticeId + ".xml"));
    }

    Path inbox(String code, String flow) {
        return node(code).legacyRoot().resolve("inbox").resolve(flow);
    }

    Path outbox(String code, String flow) {
        return node(code).legacyRoot().resolve("outbox").resolve(flow);
    }

    /** Where the node put the input files it refused, beside their {@code .error} reports. */
    Path errors(String code, String flow) {
        return node(code).legacyRoot().resolve("error").resolve(flow);
    }

    /**
     * Queue depths read by the node itself, started once more in this JVM with its routes stopped (nothing
     * consumes) after its process was stopped: what a crash left behind is still there.
     */
    Map<String, Long> queueDepths(String code, String... queues) {
        Map<String, Object> properties = new HashMap<>(node(code).properties());
        properties.put("camel.main.auto-startup", "false");
        try (ConfigurableApplicationContext context = NodeLauncher.start(properties)) {
            ActiveMQServer broker = context.getBean(NodeBroker.class).server();
            Map<String, Long> depths = new LinkedHashMap<>();
            for (String queue : queues) {
                // the parking queues (one per peer that was down) together, as a heartbeat reports them
                depths.put(code + " " + queue, queue.equals(BrokerStats.PARKED)
                        ? BrokerStats.jukibusQueueDepths(broker).getOrDefault(BrokerStats.PARKED, 0L)
                        : BrokerStats.depth(broker, queue));
            }
            return depths;
        }
    }
}
