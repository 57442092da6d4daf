package org.jukibus.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.attack.LinkClient;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeSealer;
import org.jukibus.flow.ResidentCode;
import org.jukibus.flow.identity.IdentityFlow;
import org.jukibus.node.NodeLauncher;
import org.jukibus.pki.SecureFiles;
import org.jukibus.xml.SecureXml;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Identity-info bulk (issue 6): how many identity records per second central records from batched
 * identity updates (本人確認情報の通知, 第6の6(3)) of a delegating prefecture, with everything a real
 * update goes through at central — TLS link as the prefecture, broker journal, signature
 * verification, decryption, schema validation, the recording transaction. The updates are sealed by
 * the prefecture's key before the clock starts (sealing is the sender's cost); the clock stops when
 * central's {@code identity_record} holds every record. Central's update-count lists wait in its
 * outbound queue: the prefecture node is not running.
 * <p>
 * Central is started once for the section and warmed up like the other sections ({@link WarmUp}: bulks until two
 * are within 10% and the JIT takes at most 10% of the CPU), then measured: a node runs for years, and with central
 * started afresh for each run the JIT compilers took a third of the JVM's CPU in the measured windows (2 cores,
 * 2026-12-06). The first bulk on the fresh central is reported apart.
 */
final class IdentityBulk {

    static final String PREFECTURE = "13";
    static final String CENTRAL = "central";
    static final String MUNICIPALITY = "131041";
    static final Duration LIMIT = Duration.ofMinutes(15);

    private final Network network;

    IdentityBulk(Network network) {
        this.network = network;
    }

    /**
     * One bulk: records per second, and the CPU used per 1,000 records in the timed window by the JVM (central and
     * the bench's sending link client, which share it; JIT share apart) and by central's PostgreSQL.
     */
    record Run(double rate, double jvmMsPerThousand, double postgresMsPerThousand, double jitShare) {
    }

    /** Central started once, warmed up, then {@code runs} bulks: the identity-info bulk rows. */
    void measure(Settings settings, Report report) throws Exception {
        int batches = settings.identityBatches();
        int size = settings.identityBatchSize();
        try (Central central = new Central()) {
            int[] bulk = {0};
            List<Run> first = new ArrayList<>(1);
            WarmUp.Outcome warm = WarmUp.untilSteady(() -> {
                Run r = central.run(batches, size, bulk[0]++);
                if (first.isEmpty()) {
                    first.add(r);
                }
                return new WarmUp.Window(r.rate(), r.jitShare());
            }, settings.warmupMaxWindows());
            report.note("identity-info bulk warm-up (bulks of " + batches + " updates): " + warm.describe()
                    + String.format("; the first bulk on the freshly started central: %.0f records/s, %.1f ms JVM CPU per 1,000 records, JIT %.0f%% of it",
                    first.get(0).rate(), first.get(0).jvmMsPerThousand(), first.get(0).jitShare() * 100));
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < settings.runs(); i++) {
                Run r = central.run(batches, size, bulk[0]++);
                runs.add(r);
                Bench.say(String.format("identity-info bulk run %d: %.0f records/s, CPU per 1,000 records %.1f ms JVM (JIT %.0f%% of it) / %.1f ms PostgreSQL",
                        i + 1, r.rate(), r.jvmMsPerThousand(), r.jitShare() * 100, r.postgresMsPerThousand()));
            }
            Figure rate = Figure.of(runs, Run::rate);
            report.row("identity-info bulk at central (" + batches + " signed updates of " + size + " records, after warm-up)",
                    rate.format("%,.0f") + " records/s", "≥ 20,000 records/s", Report.met(rate.median() >= 20_000));
            report.row("identity-info bulk: CPU per 1,000 records, central's JVM (with the sending client) / its PostgreSQL",
                    Figure.of(runs, Run::jvmMsPerThousand).format("%.1f") + " ms (JIT " + Figure.of(runs, r -> r.jitShare() * 100).format("%.0f")
                            + "% of it) / " + Figure.of(runs, Run::postgresMsPerThousand).format("%.1f") + " ms", "", "");
        }
    }

    /** Central running, with the prefecture's TLS link to it: bulks one after the other. */
    final class Central implements AutoCloseable {

        private final ProvisionedNode prefecture = network.node(PREFECTURE);
        private final ProvisionedNode node = network.node(CENTRAL);
        private final List<Path> pgdata = List.of(node.home().resolve("store").resolve("pgdata"));
        private final ConfigurableApplicationContext context;
        private final JdbcTemplate store;
        private final Connection link;
        private final Session session;
        private final MessageProducer producer;

        Central() throws Exception {
            context = NodeLauncher.start(node.properties());
            try {
                store = new JdbcTemplate(context.getBean(DataSource.class));
                String password = new String(SecureFiles.readPassword(path(prefecture, "password-file")));
                link = LinkClient.connect(node.primary(), path(prefecture, "keystore"), password,
                        path(prefecture, "truststore"), password, "TLSv1.3");
                session = link.createSession(false, Session.AUTO_ACKNOWLEDGE);
                producer = session.createProducer(session.createQueue("jukibus.inbound." + IdentityFlow.UPDATE_NAME));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            } catch (Exception | Error e) {
                context.close();
                throw e;
            }
        }

        /** @param bulk this bulk's number: its residents differ from every other bulk's */
        Run run(int messages, int recordsPerMessage, int bulk) throws Exception {
            List<byte[]> envelopes = seal(prefecture, node.keys().certificate(), messages, recordsPerMessage, bulk);
            long total = (long) messages * recordsPerMessage;
            // this bulk's rows only, by the primary key: a count of the whole table would grow with every bulk
            long after = store.queryForObject("select coalesce(max(id), 0) from identity_record", Long.class);
            ProcessCpu cpu0 = ProcessCpu.of(ProcessHandle.current(), pgdata);
            long t0 = System.nanoTime();
            for (byte[] envelope : envelopes) {
                BytesMessage m = session.createBytesMessage();
                m.writeBytes(envelope);
                producer.send(m);
            }
            Instant deadline = Instant.now().plus(LIMIT);
            long done;
            while ((done = store.queryForObject("select count(*) from identity_record where id > ?", Long.class, after)) < total) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("central recorded " + done + " of " + total + " records in " + LIMIT);
                }
                Thread.sleep(50);
            }
            double rate = total / ((System.nanoTime() - t0) / 1e9);
            ProcessCpu cpu = ProcessCpu.of(ProcessHandle.current(), pgdata).minus(cpu0);
            double thousands = total / 1000.0;
            return new Run(rate, cpu.jvmNanos() / 1e6 / thousands, cpu.postgresNanos() / 1e6 / thousands, cpu.jitShare());
        }

        @Override
        public void close() throws Exception {
            try {
                link.close();
            } finally {
                context.close();
            }
        }
    }

    private static List<byte[]> seal(ProvisionedNode prefecture, X509Certificate central, int messages, int records, int run)
            throws Exception {
        EnvelopeSealer sealer = new EnvelopeSealer();
        List<byte[]> envelopes = new ArrayList<>(messages);
        for (int m = 0; m < messages; m++) {
            EnvelopeHeader header = new EnvelopeHeader(UUID.randomUUID().toString(), IdentityFlow.UPDATE.messageType(),
                    PREFECTURE, CENTRAL, Instant.now(), null);
            envelopes.add(sealer.seal(header, SecureXml.parse(batch(run * messages + m, records), Integer.MAX_VALUE),
                    prefecture.keys().privateKey(), prefecture.keys().certificate(), central));
        }
        return envelopes;
    }

    /** One update of {@code records} persons' transfer-in records (about 250 bytes each). */
    static byte[] batch(int message, int records) {
        StringBuilder xml = new StringBuilder(records * 300)
                .append("<IdentityUpdate xmlns=\"urn:jukibus:identity-update:1\"><Sender>").append(PREFECTURE)
                .append("</Sender><Recipient>").append(CENTRAL).append("</Recipient>");
        for (int r = 0; r < records; r++) {
            xml.append("<Record><ResidentCode>").append(ResidentCode.of(2_000_000_000L + (long) message * records + r))
                    .append("</ResidentCode><Name>住基 花子</Name><NameKana>ジュウキ ハナコ</NameKana><BirthDate>1985-04-01</BirthDate>")
                    .append("<Sex>2</Sex><Address>東京都新宿区西新宿二丁目8番1号 新宿住基レジデンス北棟二十三階</Address>")
                    .append("<ChangeReason>TRANSFER_IN</ChangeReason><ChangeDate>2026-11-20</ChangeDate><Municipality>")
                    .append(MUNICIPALITY).append("</Municipality></Record>");
        }
        return xml.append("</IdentityUpdate>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Path path(ProvisionedNode node, String pkiKey) {
        return Path.of(String.valueOf(node.properties().get("jukibus.pki." + pkiKey)));
    }
}
