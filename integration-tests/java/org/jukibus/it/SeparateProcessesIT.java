package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.core.NodeRole;
import org.jukibus.store.SharedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes as separate processes, each started the way an operator starts one
 * ({@code java -jar jukibus.jar node --config node.properties}): a transfer-in notice crosses
 * from one process to the other, and a node killed hard (SIGKILL) and restarted loses nothing.
 */
class SeparateProcessesIT {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";

    @TempDir
    Path root;
    final List<Process> processes = new ArrayList<>();
    SharedPostgres store;

    @AfterEach
    void kill() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void a_notice_crosses_between_node_processes_and_survives_a_kill_of_the_recipient() throws Exception {
        store = SharedPostgres.start(root.resolve("shared-store")); // the node processes' stores are databases on it
        Network network = new NetworkProvisioner(Path.of("").toAbsolutePath()).provision(root, List.of(
                new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                new NodeSpec(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27")), NetworkProvisioner.sharedBy(store));
        NetworkProvisioner.writeConfigFiles(network);
        Path shinjukuInbox = network.node(SHINJUKU).legacyRoot().resolve("inbox").resolve("transfer-in");
        Path osakaOutbox = network.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");

        Process shinjuku = startNode(network, SHINJUKU);
        Process osaka = startNode(network, OSAKA);
        awaitStarted(network, SHINJUKU);
        awaitStarted(network, OSAKA);

        drop(shinjukuInbox, "P-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> count(osakaOutbox) == 1);

        osaka.destroyForcibly().waitFor();
        drop(shinjukuInbox, "P-2");
        drop(shinjukuInbox, "P-3");
        Thread.sleep(2000);
        assertThat(count(osakaOutbox)).as("nothing can arrive while the recipient is dead").isEqualTo(1);

        startNode(network, OSAKA);
        await().atMost(Duration.ofSeconds(120)).until(() -> count(osakaOutbox) == 3);
        Thread.sleep(2000);
        assertThat(count(osakaOutbox)).as("each notice exactly once").isEqualTo(3);
        assertThat(shinjuku.isAlive()).isTrue();
    }

    private Process startNode(Network network, String code) throws Exception {
        Path home = network.node(code).home();
        Path log = home.resolve("node-" + processes.size() + ".log");
        Process p = new ProcessBuilder(javaBin(), "-Xmx256m", "-jar", Path.of("target/jukibus.jar").toAbsolutePath().toString(),
                "node", "--config", home.resolve("node.properties").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** A node is up once its log says it is ready (its routes and management web port started). */
    private static void awaitStarted(Network network, String code) {
        await().atMost(Duration.ofSeconds(180)).until(() -> {
            try (Stream<Path> logs = Files.list(network.node(code).home())) {
                for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("node-")).toList()) {
                    if (Files.readString(log, StandardCharsets.UTF_8).contains(org.jukibus.logging.NodeReadyLog.marker(code, network.node(code).spec().role().id()))) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    private static void drop(Path inbox, String noticeId) throws Exception {
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve(noticeId + ".part");
        Files.write(tmp, Notices.transferIn(noticeId, "70000000009", SHINJUKU, OSAKA));
        Files.move(tmp, inbox.resolve(noticeId + ".xml"));
    }

    private static long count(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".xml")).count();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
