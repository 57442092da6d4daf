package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

import javax.sql.DataSource;

import org.jukibus.Jukibus;
import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.broker.BrokerStats;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.jukibus.broker.NodeBroker;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.flow.ResidentCode;
import org.jukibus.node.NodeLauncher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * Backup and restore of a node (第4の9(2)): Shinjuku queues transfer-in notices and certificate copy requests
 * for Osaka-shi, which is down; Shinjuku is stopped, backed up, wiped (home deleted, store emptied), restored and
 * started. Its waiting messages then reach Osaka-shi exactly once, its store has the same rows, its operation log
 * verifies with the backup and the restore in it. A cut-off and a damaged archive are refused without writing.
 * The same with the node's own embedded store.
 */
@Tag("slow")
class NodeBackupIT {

    static final int NOTICES = 12;
    static final int REQUESTS = 3;

    @TempDir
    Path root;

    @Test
    void a_restored_node_delivers_its_waiting_messages_once_with_its_store_and_operation_log_intact(
            @Provisioned({SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        NetworkProvisioner.writeConfigFiles(net.network);
        Path config = net.node(SHINJUKU).home().resolve("node.properties");
        Path passphrase = withBackupPassphrase(config);
        Path home = net.node(SHINJUKU).home();
        net.start(SHINJUKU); // Osaka-shi stays down: everything waits in Shinjuku's outbound queue

        for (int i = 0; i < NOTICES; i++) {
            net.drop(SHINJUKU, "transfer-in", "B-" + i + ".xml", Notices.transferIn("B-" + i, ResidentCode.of("700000000" + (i % 10)), SHINJUKU, OSAKA));
        }
        for (int i = 0; i < REQUESTS; i++) {
            net.drop(SHINJUKU, "certificate-copy-request", "R-B-" + i + ".xml", CertificateCopies.request("R-B-" + i, SHINJUKU, OSAKA));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) == NOTICES + REQUESTS);

        Path archive = root.resolve("backups").resolve("shinjuku.zip");
        Cli running = Cli.run("node", "backup", "--config", config.toString(), "--out", archive.toString());
        assertThat(running.exit).as(running.err).isEqualTo(1);
        assertThat(running.err).contains("is running").contains("stop it first");
        assertThat(archive).doesNotExist();

        net.stop(SHINJUKU);
        Map<String, List<String>> rowsBefore = rows(net);
        assertThat(rowsBefore.get("transfer_ledger")).hasSize(NOTICES + REQUESTS);
        assertThat(rowsBefore.get("certificate_copy_sent")).hasSize(REQUESTS);

        Cli backup = Cli.run("node", "backup", "--config", config.toString(), "--out", archive.toString());
        System.out.println(backup.out);
        assertThat(backup.exit).as(backup.err).isZero();
        assertThat(backup.out).contains("WARNING").contains("private key").contains("encrypted with AES-256-GCM").contains("expires at");
        // encrypted: none of what it holds is readable without the passphrase
        assertThat(new String(Files.readAllBytes(archive), StandardCharsets.ISO_8859_1)).doesNotContain("MANIFEST.json")
                .doesNotContain("transfer_ledger").doesNotContain("B-1.xml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");
        long logEntriesAtBackup = HashChainLog.entries(home.resolve("audit")).size();

        // the machine is lost: home gone, store database emptied
        TestNetwork.deleteTree(home);
        try (Connection c = net.store.superuser("node_" + SHINJUKU); Statement s = c.createStatement()) {
            s.execute("drop owned by node_" + SHINJUKU);
        }

        Path cutOff = root.resolve("backups").resolve("cut-off.zip");
        byte[] whole = Files.readAllBytes(archive);
        Files.write(cutOff, java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli partial = Cli.run("node", "restore", "--archive", cutOff.toString(), "--passphrase-file", passphrase.toString());
        assertThat(partial.exit).isEqualTo(1);
        assertThat(partial.err).contains("the backup is cut off");
        assertThat(home).doesNotExist();

        Path damaged = root.resolve("backups").resolve("damaged.zip");
        byte[] changed = whole.clone();
        changed[changed.length / 2] ^= 1; // one bit inside the encrypted content
        Files.write(damaged, changed);
        Cli corrupted = Cli.run("node", "restore", "--archive", damaged.toString(), "--passphrase-file", passphrase.toString());
        assertThat(corrupted.exit).isEqualTo(1);
        assertThat(corrupted.err).contains("does not decrypt"); // one segment: a changed bit reads as a wrong passphrase
        assertThat(home).doesNotExist();

        Path wrong = root.resolve("wrong.pass");
        Files.writeString(wrong, "not the passphrase at all");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-r--r--"));
        Cli readable = Cli.run("node", "restore", "--archive", archive.toString(), "--passphrase-file", wrong.toString());
        assertThat(readable.exit).isEqualTo(1);
        assertThat(readable.err).contains("rw-r--r--", "chmod 600");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Cli wrongPassphrase = Cli.run("node", "restore", "--archive", archive.toString(), "--passphrase-file", wrong.toString());
        assertThat(wrongPassphrase.exit).isEqualTo(1);
        assertThat(wrongPassphrase.err).contains("wrong passphrase");
        assertThat(home).doesNotExist();

        Cli restore = Cli.run("node", "restore", "--archive", archive.toString(), "--passphrase-file", passphrase.toString());
        System.out.println(restore.out);
        assertThat(restore.exit).as(restore.err).isZero();
        assertThat(rows(net)).as("store rows after the restore").isEqualTo(rowsBefore);

        Cli verify = Cli.run("audit", "verify", "--log", home.resolve("audit").toString(),
                "--certificate", home.resolve("pki").resolve(SHINJUKU + ".pem").toString());
        assertThat(verify.exit).as(verify.out + verify.err).isZero();
        assertThat(verify.out).contains("intact");
        List<AuditEntry> log = HashChainLog.entries(home.resolve("audit"));
        assertThat(log).hasSizeGreaterThan((int) logEntriesAtBackup);
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.MESSAGE_QUEUED).hasSize(NOTICES + REQUESTS);
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.OPERATION).extracting(AuditEntry::detail)
                .anySatisfy(d -> assertThat(d).startsWith("node backup to shinjuku.zip"))
                .anySatisfy(d -> assertThat(d).startsWith("node restored from the backup of"));

        net.start(SHINJUKU, OSAKA);
        Path notices = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");
        Path requests = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("certificate-copy-request");
        Path receipts = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("receipt");
        await().atMost(Duration.ofSeconds(90)).until(() -> OutboxTally.count(notices) >= NOTICES && OutboxTally.count(requests) >= REQUESTS
                && OutboxTally.count(receipts) >= NOTICES + REQUESTS);
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) == 0);
        Thread.sleep(2000); // a second copy of anything would show now

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < NOTICES; i++) {
            expected.add("B-" + i);
        }
        OutboxTally delivered = OutboxTally.of(notices, OutboxTally.NOTICE_ID, expected);
        OutboxTally receiptTally = OutboxTally.of(receipts, OutboxTally.RECEIVED_MESSAGE_ID, null);
        System.out.printf("=== NodeBackupIT: queued %d notices + %d requests, backed up, wiped, restored: notices delivered %d, lost %d, "
                        + "duplicated %d; requests delivered %d; receipts %d (duplicated %d); store rows %s%n",
                NOTICES, REQUESTS, delivered.distinct(), delivered.lost(), delivered.duplicated(), OutboxTally.count(requests),
                receiptTally.distinct(), receiptTally.duplicated(), counts(rowsBefore));
        assertThat(delivered.lost()).isZero();
        assertThat(delivered.duplicated()).isZero();
        assertThat(delivered.unexpected()).isZero();
        assertThat(OutboxTally.count(requests)).isEqualTo(REQUESTS);
        assertThat(receiptTally.distinct()).isEqualTo(NOTICES + REQUESTS);
        assertThat(receiptTally.duplicated()).isZero();
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), "jukibus.dlq")).isZero();
        List<String> ledger = rows(net).get("transfer_ledger");
        assertThat(ledger).as("the restored ledger goes on").containsAll(rowsBefore.get("transfer_ledger"));
        assertThat(ledger).as("no input taken in twice").filteredOn(r -> r.contains(",QUEUED,")).hasSize(NOTICES + REQUESTS);
    }

    /**
     * The same with the node's own embedded PostgreSQL (the default outside tests): its server files are not
     * copied, its rows are; the restored node starts a fresh server, gets the rows and its waiting messages.
     */
    @Test
    void a_node_with_its_embedded_store_comes_back_with_its_rows_and_waiting_messages() throws Exception {
        Network network = new NetworkProvisioner(Path.of("").toAbsolutePath())
                .provision(root, TestNetwork.specs(SHINJUKU, OSAKA)); // embedded stores; Osaka-shi never starts
        TestNetwork.withoutMonitoring(network);
        NetworkProvisioner.writeConfigFiles(network);
        NetworkProvisioner.ProvisionedNode shinjuku = network.node(SHINJUKU);
        Path passphrase = withBackupPassphrase(shinjuku.home().resolve("node.properties"));
        Path inbox = shinjuku.legacyRoot().resolve("inbox").resolve("transfer-in");
        Files.createDirectories(inbox);

        ConfigurableApplicationContext node = NodeLauncher.start(shinjuku.properties());
        List<String> ledgerBefore;
        try {
            for (int i = 0; i < 3; i++) {
                Files.write(inbox.resolve("E-" + i + ".part"), Notices.transferIn("E-" + i, RESIDENT, SHINJUKU, OSAKA));
                Files.move(inbox.resolve("E-" + i + ".part"), inbox.resolve("E-" + i + ".xml"));
            }
            ActiveMQServer broker = node.getBean(NodeBroker.class).server();
            await().atMost(Duration.ofSeconds(60)).until(() -> BrokerStats.outboundBacklog(broker) == 3);
            // the ledger row is written just after the send: wait for it too, not only for the queue
            ConfigurableApplicationContext started = node;
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger(started).size() == 3);
            ledgerBefore = ledger(node);
            // security events counted so far (heartbeats are off here): the restore must forget them (a new count)
            new JdbcTemplate(node.getBean(DataSource.class)).update("INSERT INTO security_event_total (counted_since, "
                    + "logins_refused, permissions_denied, messages_refused) VALUES (now(), 4, 0, 0)");
        } finally {
            node.close();
        }

        Path archive = root.resolve("embedded.zip");
        Cli backup = Cli.run("node", "backup", "--config", shinjuku.home().resolve("node.properties").toString(), "--out", archive.toString());
        assertThat(backup.exit).as(backup.err).isZero();
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(archive)) {
            org.jukibus.backup.BackupEncryption.decrypt(in, plain, Files.readString(passphrase).toCharArray());
        }
        List<String> names = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(plain.toByteArray()))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("store/transfer_ledger.copy").noneMatch(n -> n.startsWith("home/store/"));
        TestNetwork.deleteTree(shinjuku.home());

        Cli restore = Cli.run("node", "restore", "--archive", archive.toString(), "--passphrase-file", passphrase.toString());
        assertThat(restore.exit).as(restore.err).isZero();
        node = NodeLauncher.start(shinjuku.properties());
        try {
            ActiveMQServer broker = node.getBean(NodeBroker.class).server();
            assertThat(ledger(node)).isEqualTo(ledgerBefore).hasSize(3);
            assertThat(new JdbcTemplate(node.getBean(DataSource.class)).queryForObject("SELECT count(*) FROM security_event_total",
                    Long.class)).as("the restored store counts its security events from a new time").isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.outboundBacklog(broker) == 3);
            System.out.printf("=== NodeBackupIT (embedded store): ledger rows %d before, %d after; outbound %d waiting after the restore%n",
                    ledgerBefore.size(), ledger(node).size(), BrokerStats.outboundBacklog(broker));
        } finally {
            node.close();
        }
    }

    private static List<String> ledger(ConfigurableApplicationContext node) {
        return new JdbcTemplate(node.getBean(DataSource.class)).queryForList("select t::text from transfer_ledger t order by id", String.class);
    }

    /** Every table of Shinjuku's store, its rows as text, sorted. */
    private static Map<String, List<String>> rows(TestNetwork net) throws Exception {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection c = net.store.superuser("node_" + SHINJUKU); Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select table_name from information_schema.tables where table_schema = 'public' "
                    + "and table_name <> 'flyway_schema_history' order by table_name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String table : names) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select t::text from " + table + " t")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                Collections.sort(rows);
                tables.put(table, rows);
            }
        }
        return tables;
    }

    private static Map<String, Integer> counts(Map<String, List<String>> rows) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        rows.forEach((t, r) -> counts.put(t, r.size()));
        return counts;
    }

    /**
     * Backups are encrypted: the node's config names the passphrase file (0600, outside the home, so not in the
     * archive it opens), which a restore is given too.
     */
    private static Path withBackupPassphrase(Path config) throws IOException {
        Path passphrase = config.getParent().resolveSibling(config.getParent().getFileName() + "-backup.pass");
        Files.writeString(passphrase, "correct horse battery staple");
        Files.setPosixFilePermissions(passphrase, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(config, "\njukibus.backup.passphrase-file=" + passphrase + "\n", java.nio.file.StandardOpenOption.APPEND);
        return passphrase;
    }

    /** The jukibus command line run in this JVM, its output captured. */
    record Cli(int exit, String out, String err) {
        static Cli run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new Jukibus());
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int exit = cli.execute(args);
            return new Cli(exit, out.toString(), err.toString());
        }
    }
}
