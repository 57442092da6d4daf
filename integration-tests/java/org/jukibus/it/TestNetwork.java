package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.camel.CamelContext;
import org.jukibus.broker.BrokerStats;
import org.jukibus.broker.NodeBroker;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.node.NodeLauncher;
import org.jukibus.core.NodeRole;
import org.jukibus.store.SharedPostgres;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A network of real nodes in this JVM, each with its own Spring context, Camel context and
 * Artemis broker listening on loopback with TLS: provisioned from scratch (CA, keys, signed
 * directory) in a temporary folder for every test class. The nodes' stores are databases on one
 * PostgreSQL server for the whole network ({@link SharedPostgres}), stopped with it.
 */
final class TestNetwork implements AutoCloseable {

    final Network network;
    final SharedPostgres store;
    private final Map<String, ConfigurableApplicationContext> running = new LinkedHashMap<>();
    private boolean closed;
    /** The folder this network was provisioned in when it is its own (see {@link #discard}), else null. */
    private Path temporary;

    private TestNetwork(Network network, SharedPostgres store) {
        this.network = network;
        this.store = store;
    }

    /** The nodes tests use, by code ({@link Codes}); central signs every test directory. */
    private static final Map<String, NodeSpec> KNOWN = Stream.of(
                    new NodeSpec(NodeRole.CENTRAL, Codes.CENTRAL, "地方公共団体情報システム機構", null),
                    new NodeSpec(NodeRole.PREFECTURE, Codes.TOKYO_PREF, "東京都", Codes.TOKYO_PREF),
                    new NodeSpec(NodeRole.PREFECTURE, Codes.OSAKA_PREF, "大阪府", Codes.OSAKA_PREF),
                    new NodeSpec(NodeRole.MUNICIPAL, Codes.CHIYODA, "千代田区", Codes.TOKYO_PREF),
                    new NodeSpec(NodeRole.MUNICIPAL, Codes.SHINJUKU, "新宿区", Codes.TOKYO_PREF),
                    new NodeSpec(NodeRole.MUNICIPAL, Codes.BUNKYO, "文京区", Codes.TOKYO_PREF),
                    new NodeSpec(NodeRole.MUNICIPAL, Codes.OSAKA, "大阪市", Codes.OSAKA_PREF),
                    new NodeSpec(NodeRole.LIAISON, Codes.LIAISON, "認証業務連携サーバ", null))
            .collect(java.util.stream.Collectors.toMap(NodeSpec::code, n -> n, (a, b) -> a, LinkedHashMap::new));

    /** A network of central and the given nodes (codes from {@link #KNOWN}). */
    static TestNetwork provision(Path root, String... codes) throws IOException {
        return provision(root, specs(codes));
    }

    /**
     * A network of central and the given nodes in a temporary folder of its own, deleted by {@link #discard}
     * (or at once, when provisioning fails).
     */
    static TestNetwork provisionTemporary(String... codes) throws IOException {
        Path folder = Files.createTempDirectory("jukibus-it-"); // short: the folder name is in the test CA's name
        try {
            TestNetwork net = provision(folder, codes);
            net.temporary = folder;
            return net;
        } catch (IOException | RuntimeException e) {
            deleteTree(folder);
            throw e;
        }
    }

    /** Central and the given nodes (codes from {@link #KNOWN}), for a test that provisions them itself. */
    static List<NodeSpec> specs(String... codes) {
        List<NodeSpec> specs = new ArrayList<>();
        specs.add(KNOWN.get(Codes.CENTRAL));
        for (String code : codes) {
            specs.add(java.util.Objects.requireNonNull(KNOWN.get(code), "no test node " + code));
        }
        return specs;
    }

    /**
     * A network of the given nodes, monitoring switched off (see {@link #withoutMonitoring}) until
     * a test turns it on with {@link #withMonitoring}.
     */
    static TestNetwork provision(Path root, List<NodeSpec> specs) throws IOException {
        SharedPostgres store = SharedPostgres.start(root.resolve("shared-store"));
        try {
            Network network = new NetworkProvisioner(Path.of("").toAbsolutePath())
                    .provision(root, specs, NetworkProvisioner.sharedBy(store));
            withoutMonitoring(network);
            return new TestNetwork(network, store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Switches heartbeats and central's status check off on every node: most tests count queue
     * depths and broker traffic, which heartbeats (waiting in the outbound queue for a central that
     * is not running, or arriving at central) would add to.
     */
    static void withoutMonitoring(Network network) {
        network.nodes().values().forEach(n -> n.properties().putAll(org.jukibus.monitoring.MonitoringFlows.SWITCHED_OFF));
        network.nodes().values().forEach(n -> n.properties().putAll(EVERY_NODE));
    }

    /**
     * Settings for every node of every test, from {@code -Djukibus.it.node-properties=key=value,key=value}: an IT run
     * again under another setting (e.g. {@code jukibus.link.batch-size=1}, the forwarder of before batching).
     */
    static final Map<String, Object> EVERY_NODE = everyNode(System.getProperty("jukibus.it.node-properties", ""));

    private static Map<String, Object> everyNode(String spec) {
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return Map.copyOf(settings);
    }

    /** Turns monitoring on for every node not started yet, with these {@code jukibus.monitoring.*} settings. */
    TestNetwork withMonitoring(Map<String, Object> settings) {
        for (ProvisionedNode n : network.nodes().values()) {
            org.jukibus.monitoring.MonitoringFlows.SWITCHED_OFF.keySet().forEach(n.properties()::remove);
            n.properties().putAll(settings);
        }
        return this;
    }

    /** Stops one running node (its context, Camel, broker); {@link #start} starts it again on the same home. */
    TestNetwork stop(String code) {
        ConfigurableApplicationContext context = running.remove(code);
        if (context == null) {
            throw new IllegalStateException("node " + code + " is not running");
        }
        context.close();
        return this;
    }

    TestNetwork start(String... codes) {
        List<String> which = codes.length == 0 ? new ArrayList<>(network.nodes().keySet()) : List.of(codes);
        for (String code : which) {
            running.put(code, NodeLauncher.start(network.node(code).properties()));
        }
        return this;
    }

    ProvisionedNode node(String code) {
        return network.node(code);
    }

    ConfigurableApplicationContext context(String code) {
        return running.get(code);
    }

    CamelContext camel(String code) {
        return context(code).getBean(CamelContext.class);
    }

    ActiveMQServer broker(String code) {
        return context(code).getBean(NodeBroker.class).server();
    }

    /**
     * Moves the whole network's clock for real: {@code jukibus clock set --home <network folder>} writes every
     * node's offset file (a stopped node reads it when it starts); waits until each node running here reads it.
     */
    void moveClock(Duration offset) {
        java.io.StringWriter out = new java.io.StringWriter();
        int exit = new picocli.CommandLine(new org.jukibus.Jukibus()).setOut(new java.io.PrintWriter(out))
                .setErr(new java.io.PrintWriter(out))
                .execute("clock", "set", "--offset", offset.toString(), "--home", network.root().toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains(network.nodes().keySet());
        for (String code : running.keySet()) {
            org.jukibus.clock.NodeClock clock = context(code).getBean(org.jukibus.clock.NodeClock.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> clock.offset().equals(offset));
        }
    }

    /**
     * Moves one running node's clock only (its operator moved it, not the network's): writes its offset file and waits
     * until the node reads it.
     */
    void moveClock(String code, Duration offset) throws IOException {
        org.jukibus.clock.ClockOffsetFile.write(node(code).home(), offset);
        org.jukibus.clock.NodeClock clock = context(code).getBean(org.jukibus.clock.NodeClock.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> clock.offset().equals(offset));
    }

    /** How far a running node's clock is moved from the system's. */
    Duration clockOffset(String code) {
        return context(code).getBean(org.jukibus.clock.NodeClock.class).offset();
    }

    /** The node's management port (Hawtio, Jolokia, actuator), e.g. {@code https://127.0.0.1:41234}. */
    String managementUrl(String code) {
        return "https://127.0.0.1:" + ((org.springframework.boot.web.context.WebServerApplicationContext) context(code)).getWebServer().getPort();
    }

    /** The provisioned operator's PIN (registered with every node of this network). */
    char[] operatorPin() throws IOException {
        return org.jukibus.pki.SecureFiles.readPassword(network.operatorPinFile());
    }

    /** The provisioned operator's card, opened. */
    org.jukibus.operators.OperatorCard operatorCard() throws IOException {
        return org.jukibus.operators.OperatorCard.open(network.operatorCard(),
                org.jukibus.pki.SecureFiles.readPassword(network.operatorCardPasswordFile()));
    }

    /** The options of a {@code jukibus dlq|status} command logging in as the provisioned operator. */
    List<String> operatorLogin(String code) {
        return List.of("--node", managementUrl(code), "--operator-card", network.operatorCard().toString(),
                "--card-password-file", network.operatorCardPasswordFile().toString(),
                "--pin-file", network.operatorPinFile().toString());
    }

    /** Jolokia on a node's management port, logged in as the provisioned operator. */
    org.jukibus.management.JolokiaClient jolokia(String code) throws IOException {
        return new org.jukibus.management.JolokiaClient(managementUrl(code), operatorCard(), operatorPin());
    }

    /** Drops a file into a node's legacy inbox the way a legacy system must: write elsewhere, then rename. */
    void drop(String code, String flow, String fileName, byte[] content) throws IOException {
        Path inbox = node(code).legacyRoot().resolve("inbox").resolve(flow);
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve(fileName + ".part");
        Files.write(tmp, content);
        Files.move(tmp, inbox.resolve(fileName));
    }

    /**
     * Waits until a dropped file was refused: moved to {@code legacy/error/<flow>/} beside its {@code .error}
     * report; returns the report.
     */
    String awaitRejected(String code, String flow, String fileName) throws IOException {
        Path error = node(code).legacyRoot().resolve("error").resolve(flow);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(error.resolve(fileName + ".error")));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(error.resolve(fileName)));
        return Files.readString(error.resolve(fileName + ".error"), StandardCharsets.UTF_8);
    }

    List<Path> files(String code, String... folders) throws IOException {
        Path dir = node(code).legacyRoot();
        for (String f : folders) {
            dir = dir.resolve(f);
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // the nodes write atomically (a hidden temp file, then a rename): one may vanish while we look
        List<Path> found = new java.util.ArrayList<>();
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                    found.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found.stream().sorted().toList();
    }

    /** The node's own JMS connection (in-VM, as the node itself). */
    ConnectionFactory local(String code) {
        return context(code).getBean("localConnectionFactory", ConnectionFactory.class);
    }

    /** Messages in a queue of a node's broker, browsed (not consumed), with their properties. */
    List<Message> browse(String code, String queue) throws Exception {
        try (Connection c = local(code).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = s.createBrowser(s.createQueue(queue));
            return Collections.list((java.util.Enumeration<Message>) browser.getEnumeration());
        }
    }

    /** Takes one message off a queue of a node's broker (as the node itself), or null. */
    byte[] take(String code, String queue, Duration wait) throws Exception {
        try (Connection c = local(code).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            Message m = consumer.receive(wait.toMillis());
            return m == null ? null : body((BytesMessage) m);
        }
    }

    /** Puts bytes on a queue of a node's broker as the node itself (what someone with access to the broker's storage could do). */
    void put(String code, String queue, byte[] body) throws Exception {
        try (Connection c = local(code).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(queue));
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            p.send(m);
        }
    }

    /** Puts bytes with these string properties on a queue of a node's broker, as the node itself. */
    void put(String code, String queue, byte[] body, Map<String, String> properties) throws Exception {
        try (Connection c = local(code).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(queue));
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                m.setStringProperty(property.getKey(), property.getValue());
            }
            p.send(m);
        }
    }

    /** The message ids of what was delivered to a node's legacy outbox for a flow (files are {@code <sender>-<message id>.xml}). */
    List<String> deliveredIds(String code, String flow) throws IOException {
        return files(code, "outbox", flow).stream()
                .map(f -> f.getFileName().toString().replaceAll("^[0-9]+-(.+)\\.xml$", "$1")).toList();
    }

    /**
     * Proves that messages between municipalities never passed through, nor were stored on, the
     * brokers of {@code bystanders} (prefecture and central nodes, standard 第3の3(3)): nothing
     * arrived on those brokers but what is meant for them (a prefecture gets its municipalities'
     * transfer-out confirmations, 第6の3, and sends receipts for them through its own outbound queue),
     * they have no queue for the flows, and their journals do not mention the message ids. Positive control: the journal of {@code carrier}, which did carry them, holds
     * the first id, so the journal search would have found one.
     */
    void assertNeverCarried(List<String> bystanders, List<String> flows, List<String> messageIds, String carrier)
            throws Exception {
        assertThat(messageIds).as("message ids to look for").isNotEmpty();
        assertThat(journalContains(carrier, messageIds.get(0)))
                .as("positive control: the journal of %s holds message id %s", carrier, messageIds.get(0)).isTrue();
        for (String code : bystanders) {
            long meantForIt = BrokerStats.messagesReceived(broker(code), "jukibus.inbound.transfer-out")
                    + BrokerStats.messagesReceived(broker(code), "jukibus.outbound")
                    // its own sends parked while their recipient was down
                    + BrokerStats.messagesReceived(broker(code), a -> a.startsWith(org.jukibus.broker.NodeBroker.PARKED_PREFIX));
            assertThat(BrokerStats.messagesReceived(broker(code)) - meantForIt)
                    .as("messages that reached the broker of %s, besides transfer-out confirmations and its own sends", code)
                    .isZero();
            for (String flow : flows) {
                assertThat(broker(code).locateQueue("jukibus.inbound." + flow)).as("a %s queue on %s", flow, code).isNull();
            }
            for (String messageId : messageIds) {
                assertThat(journalContains(code, messageId)).as("journal of %s mentions %s", code, messageId).isFalse();
            }
        }
    }

    /** Whether any file of a node's broker data (journal, bindings, paging) holds the text. */
    boolean journalContains(String code, String text) throws IOException {
        return contains(node(code).home().resolve("broker"), text);
    }

    /** Whether any file under dir holds the text, in UTF-8 or as Artemis stores strings (UTF-16). */
    static boolean contains(Path dir, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16LE);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                if (indexOf(content, utf8) >= 0 || indexOf(content, utf16) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] body(BytesMessage m) throws Exception {
        byte[] b = new byte[(int) m.getBodyLength()];
        m.readBytes(b);
        return b;
    }

    /** Stops the running nodes, then the shared store; once (a test may close early to read what the nodes left). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ConfigurableApplicationContext> contexts = new ArrayList<>(running.values());
        Collections.reverse(contexts);
        for (ConfigurableApplicationContext c : contexts) {
            try {
                c.close();
            } catch (RuntimeException e) {
                System.err.println("closing a node failed: " + e);
            }
        }
        running.clear();
        try {
            store.close();
        } catch (IOException e) {
            System.err.println("stopping the shared store failed: " + e);
        }
    }

    /** Closes the network and deletes the folder it was provisioned in by {@link #provisionTemporary}. */
    void discard() throws IOException {
        close();
        if (temporary != null) {
            deleteTree(temporary);
        }
    }

    /** Copies the tree {@code from} into {@code to} (created), files and folders as they are. */
    static void copyTree(Path from, Path to) throws IOException {
        NetworkProvisioner.copyTree(from, to);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
