package org.jukibus.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.jukibus.broker.BrokerStats;
import org.jukibus.monitoring.MonitoringFlows;
import org.jukibus.broker.NodeBroker;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.flow.transferin.TransferInNotice;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.node.NodeLauncher;
import org.jukibus.core.NodeRole;
import org.jukibus.store.SharedPostgres;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jukibus demo}: provisions and starts a small network on loopback (central, Tokyo and
 * Osaka prefecture nodes, Chiyoda, Shinjuku and Osaka-shi) and runs the four notification flows
 * through the drop folders with the samples of {@code docs/samples/}: a transfer-in notice from
 * Shinjuku to Osaka-shi and the transfer-out confirmation Osaka-shi sends its prefecture for it; a
 * certificate copy Shinjuku's counter asks of Osaka-shi; a card holder's special transfer from
 * Shinjuku to Osaka-shi. It shows where each went and that no prefecture or central node saw the
 * municipality-to-municipality traffic.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a demo network (3 municipalities, 2 prefectures, central) and run the four notification flows.")
public class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "target/demo-network",
            description = "Where the network's keys, directory, journals and legacy folders go (default: ${DEFAULT-VALUE}). Emptied first.")
    Path dir;

    @Option(names = "--stay", description = "Keep the network running after the demo (Ctrl-C to stop).")
    boolean stay;

    @Option(names = "--project-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where routes/ and broker-config/ are (default: the current directory).")
    Path projectDir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(projectDir.resolve("routes")) || !Files.isDirectory(projectDir.resolve("broker-config"))) {
            System.err.println("jukibus demo: no routes/ and broker-config/ under " + projectDir.toAbsolutePath()
                    + " (run it from the jukibus directory or pass --project-dir)");
            return 1;
        }
        SharedPostgres.stopLeftOver(dir.resolve("store")); // a demo killed before this one leaves its server running
        deleteTree(dir);
        SharedPostgres store = SharedPostgres.start(dir.resolve("store"));
        say("Store: one PostgreSQL for the whole demo network on 127.0.0.1:" + store.port() + ", a database per node (node_<code>)");
        say("Provisioning: root CA, a certificate per node, a directory signed by central, the routes and broker "
                + "configuration approved by an officer, in " + dir);
        Network network = new NetworkProvisioner(projectDir).provision(dir, NetworkProvisioner.demoNodes(), NetworkProvisioner.sharedBy(store));
        // the demo's CA is on this machine anyway: central renews the CRL before it is due, looking every minute, so a
        // drill that moves the clock past the CRL's nextUpdate sees a new one within a minute (docs/operations.md)
        Map<String, Object> central = network.node("central").properties();
        central.put("jukibus.trust.crl-renewal.ca-dir", network.ca().directory().toAbsolutePath().toString());
        central.put("jukibus.trust.crl-renewal.password-file", network.caPasswordFile().toAbsolutePath().toString());
        central.put("jukibus.trust.crl-renewal.check-interval", "1m");
        NetworkProvisioner.writeConfigFiles(network);

        List<ConfigurableApplicationContext> running = new ArrayList<>();
        Map<String, ConfigurableApplicationContext> byCode = new HashMap<>();
        try {
            for (ProvisionedNode node : network.nodes().values()) {
                say("Starting " + node.spec().role().id() + " node " + node.spec().code() + " " + node.spec().name()
                        + " (links " + node.primary() + ", backup " + node.backup() + ")");
                running.add(NodeLauncher.start(node.properties()));
                byCode.put(node.spec().code(), running.get(running.size() - 1));
                String management = managementUrl(running.get(running.size() - 1));
                say("  management (Hawtio, Jolokia, actuator): " + management + "/actuator/hawtio/ (Artemis's console: "
                        + management + "/console/)");
                if (node.spec().role() == NodeRole.MUNICIPAL) {
                    say("  counter terminal (端末機): " + management + "/terminal");
                }
            }
            say("Operator login on every node's management port (HTTPS): the operator card " + network.operatorCard()
                    + " (password in " + network.operatorCardPasswordFile() + ") as TLS client certificate, user "
                    + NetworkProvisioner.OPERATOR + ", PIN " + new String(org.jukibus.pki.SecureFiles.readPassword(network.operatorPinFile()))
                    + " (also in " + network.operatorPinFile() + "; nodes hold only its bcrypt hash)");
            ProvisionedNode shinjuku = network.node("131041");
            ProvisionedNode osaka = network.node("271004");
            seedIdentityRecord(byCode.get("27"), "12345678903", "住基 花子", osaka.spec().code());
            say("Osaka prefecture's store holds the identity record of resident 12345678903 (the identity-info flow, "
                    + "which Osaka-shi's identity updates bring in a running network; the demo writes it directly)");
            Path inbox = shinjuku.legacyRoot().resolve("inbox").resolve("transfer-in");
            Files.createDirectories(inbox);
            byte[] notice = new XmlMapper().writeValueAsBytes(new TransferInNotice("SJK-2026-000123", "12345678903",
                    "住基 花子", "ジュウキ ハナコ", "1985-04-01", "2", "東京都新宿区西新宿二丁目8番1号", "2026-11-20",
                    "大阪府大阪市北区中之島一丁目3番20号", shinjuku.spec().code(), osaka.spec().code(), null, null));
            Path tmp = inbox.resolve("SJK-2026-000123.xml.tmp");
            Files.write(tmp, notice);
            Files.move(tmp, inbox.resolve("SJK-2026-000123.xml"));
            say("Shinjuku's legacy system dropped a transfer-in notice for Osaka-shi into " + inbox);

            Path delivered = waitForFile(osaka.legacyRoot().resolve("outbox").resolve("transfer-in"), Duration.ofSeconds(60));
            say("Osaka-shi's node verified, decrypted and delivered it to its legacy outbox: " + delivered);
            System.out.println(new String(Files.readAllBytes(delivered), StandardCharsets.UTF_8));
            Path receipt = waitForFile(shinjuku.legacyRoot().resolve("outbox").resolve("receipt"), Duration.ofSeconds(60));
            say("Osaka-shi's signed receipt is back at Shinjuku: " + receipt);
            Path confirmed = waitForFile(osaka.legacyRoot().resolve("outbox").resolve("receipt"), Duration.ofSeconds(60));
            say("Osaka-shi, the old municipality, confirmed the transfer-out to Osaka prefecture (転出確定通知, 第6の3); "
                    + "the prefecture noted it against the identity record (" + annotationCount(byCode.get("27"))
                    + " note) and its signed receipt is back at Osaka-shi: " + confirmed);

            certificateCopy(shinjuku, osaka);
            specialTransfer(shinjuku, osaka);

            for (int i = 0; i < running.size(); i++) {
                ProvisionedNode node = new ArrayList<>(network.nodes().values()).get(i);
                if (node.spec().role() != NodeRole.MUNICIPAL) {
                    var server = running.get(i).getBean(NodeBroker.class).server();
                    // heartbeats (the node's own, queued for central; peers', at central) and central's alerts are
                    // monitoring traffic, not notifications
                    long routed = BrokerStats.messagesReceived(server,
                            a -> !MonitoringFlows.isMonitoringAddress(a) && !a.equals("jukibus.outbound")
                                    && !a.startsWith(NodeBroker.PARKED_PREFIX)); // its own envelopes waiting for a down peer
                    long monitoring = BrokerStats.messagesReceived(server) - routed;
                    say(node.spec().role().id() + " node " + node.spec().code() + ": notifications that reached its broker: "
                            + routed + ", of them transfer-out confirmations: "
                            + BrokerStats.messagesReceived(server, "jukibus.inbound.transfer-out") + ", transfer-in notices: "
                            + BrokerStats.messagesReceived(server, "jukibus.inbound.transfer-in")
                            + ", certificate copies or special-transfer messages: "
                            + MUNICIPAL_ONLY.stream().mapToLong(a -> BrokerStats.messagesReceived(server, a)).sum()
                            + " (第3の3(3): they never pass through it); heartbeats and node status alerts: " + monitoring);
                }
            }
            say("Each node's operation log is in nodes/<code>/audit/; check one with: jukibus audit verify --log "
                    + shinjuku.home().resolve("audit") + " --certificate " + shinjuku.home().resolve("pki").resolve("131041.pem")
                    + " (the log is sealed every 5 minutes and when the node stops)");
            if (stay) {
                say("The network keeps running; drop more files into " + inbox + ". Ctrl-C to stop.");
                Thread.currentThread().join();
            }
            return 0;
        } finally {
            if (!stay) {
                for (int i = running.size() - 1; i >= 0; i--) {
                    running.get(i).close();
                }
                store.close();
            }
        }
    }

    /** Addresses of the flows that must never reach a prefecture or central node (第3の3(3)). */
    private static final List<String> MUNICIPAL_ONLY = List.of("jukibus.inbound.certificate-copy-request",
            "jukibus.inbound.certificate-copy-reply", "jukibus.inbound.first-transfer-in",
            "jukibus.inbound.transfer-out-certificate-info");

    /** 住民票の写しの交付の特例 (第6の4): Shinjuku's counter asks Osaka-shi for a copy; Osaka-shi's legacy system answers. */
    private void certificateCopy(ProvisionedNode shinjuku, ProvisionedNode osaka) throws Exception {
        dropSample(shinjuku, "certificate-copy-request", "certificate-copy-request.xml");
        say("Shinjuku's counter entered a request for a residence-certificate copy of an Osaka-shi resident (第6の4)");
        Path request = waitForFile(osaka.legacyRoot().resolve("outbox").resolve("certificate-copy-request"), ".xml", Duration.ofSeconds(60));
        say("Osaka-shi's legacy system has the request for review: " + request);
        dropSample(osaka, "certificate-copy-reply", "certificate-copy-reply.xml");
        say("Osaka-shi's legacy system answered with the certificate data");
        Path printable = waitForFile(shinjuku.legacyRoot().resolve("outbox").resolve("certificate-copy-reply"), ".html", Duration.ofSeconds(60));
        say("Shinjuku's counter can print the copy and certify it: " + printable + " (open it in a browser)");
    }

    /** 転入転出の特例 (第6の5): a card holder moves from Shinjuku to Osaka-shi. */
    private void specialTransfer(ProvisionedNode shinjuku, ProvisionedNode osaka) throws Exception {
        dropSample(shinjuku, "resident-card", "resident-card.xml");
        awaitTaken(shinjuku, "resident-card", "resident-card.xml");
        dropSample(shinjuku, "card-check", "card-check-request.xml");
        Path check = waitForFile(shinjuku.legacyRoot().resolve("outbox").resolve("card-check"), ".xml", Duration.ofSeconds(60));
        say("Shinjuku registered the resident's card and checked it at the counter (第6の5(1)): "
                + (Files.readString(check, StandardCharsets.UTF_8).contains("HOLDS_CARD") ? "holds a card" : "NO card") + ", " + check);
        dropSample(shinjuku, "transfer-out-certificate", "transfer-out-certificate.xml");
        awaitTaken(shinjuku, "transfer-out-certificate", "transfer-out-certificate.xml");
        say("Shinjuku registered the transfer-out certificate information (第6の5(2))");
        dropSample(osaka, "first-transfer-in", "first-transfer-in-notice.xml");
        say("Osaka-shi received the first transfer-in and told Shinjuku (第6の5(3))");
        Path info = waitForFile(osaka.legacyRoot().resolve("outbox").resolve("transfer-out-certificate-info"), ".xml", Duration.ofSeconds(60));
        say("Shinjuku's node answered with the certificate information, now at Osaka-shi's counter (第6の5(4)): " + info);
    }

    private void dropSample(ProvisionedNode node, String flow, String sample) throws IOException {
        Path inbox = node.legacyRoot().resolve("inbox").resolve(flow);
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve(sample + ".tmp");
        Files.copy(projectDir.resolve("docs").resolve("samples").resolve(sample), tmp);
        Files.move(tmp, inbox.resolve(sample)); // the node takes *.xml only: it never sees a half-written file
    }

    /** Waits until the node has taken a dropped file (moved to sent/ or, if refused, error/). */
    private static void awaitTaken(ProvisionedNode node, String flow, String file) throws InterruptedException {
        Path dropped = node.legacyRoot().resolve("inbox").resolve(flow).resolve(file);
        Instant deadline = Instant.now().plusSeconds(60);
        while (Files.exists(dropped)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(dropped + " was not taken within 60 s");
            }
            Thread.sleep(100);
        }
        if (Files.exists(node.legacyRoot().resolve("error").resolve(flow).resolve(file))) {
            throw new IllegalStateException("the node refused " + file + ": see " + node.legacyRoot().resolve("error").resolve(flow));
        }
    }

    /**
     * A person the prefecture knows before the demo starts, as the identity-update flow (本人確認情報の通知, 第6の6,
     * flow.identity) would have recorded it: written directly, so that the demo's first notices find the person.
     */
    private static void seedIdentityRecord(ConfigurableApplicationContext prefecture, String residentCode, String name,
                                           String municipality) {
        new JdbcTemplate(prefecture.getBean(DataSource.class)).update("""
                insert into identity_record (resident_code, name, birth_date, sex, address, change_reason, change_date,
                                             municipality_code, recorded_at)
                values (?, ?, date '1985-04-01', '2', '大阪府大阪市北区中之島一丁目3番20号', 'TRANSFER_IN', date '2015-04-01', ?, now())""",
                residentCode, name, municipality);
    }

    private static int annotationCount(ConfigurableApplicationContext prefecture) {
        Integer n = new JdbcTemplate(prefecture.getBean(DataSource.class))
                .queryForObject("select count(*) from transfer_out_annotation", Integer.class);
        return n == null ? 0 : n;
    }

    private static String managementUrl(ConfigurableApplicationContext node) {
        var server = ((org.springframework.boot.web.context.WebServerApplicationContext) node).getWebServer();
        return "https://" + node.getEnvironment().getProperty("server.address", "127.0.0.1") + ":" + server.getPort();
    }

    private static Path waitForFile(Path folder, Duration timeout) throws IOException, InterruptedException {
        return waitForFile(folder, ".xml", timeout);
    }

    private static Path waitForFile(Path folder, String suffix, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    var found = files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("nothing arrived in " + folder + " within " + timeout.toSeconds() + " s");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void say(String line) {
        System.out.println(">>> " + line);
    }
}
