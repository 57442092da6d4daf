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

    /** {@code runs} bulk runs, central started afresh for each: the identity-info bulk row. */
    void measure(Settings settings, Report report) throws Exception {
        java.util.List<Double> rates = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            rates.add(run(settings.identityBatches(), settings.identityBatchSize(), i));
            Bench.say(String.format("identity-info bulk run %d: %.0f records/s", i + 1, rates.get(i)));
        }
        Figure rate = Figure.of(rates);
        report.row("identity-info bulk at central (" + settings.identityBatches() + " signed updates of " + settings.identityBatchSize() + " records)",
                rate.format("%,.0f") + " records/s", "≥ 20,000 records/s", Report.met(rate.median() >= 20_000));
    }

    /** @param run this run's number: its residents differ from every other run's; @return records per second recorded at central */
    double run(int messages, int recordsPerMessage, int run) throws Exception {
        ProvisionedNode prefecture = network.node(PREFECTURE);
        ProvisionedNode central = network.node(CENTRAL);
        List<byte[]> envelopes = seal(prefecture, central.keys().certificate(), messages, recordsPerMessage, run);
        long total = (long) messages * recordsPerMessage;
        try (ConfigurableApplicationContext node = NodeLauncher.start(central.properties())) {
            JdbcTemplate store = new JdbcTemplate(node.getBean(DataSource.class));
            long before = recorded(store);
            String password = new String(SecureFiles.readPassword(path(prefecture, "password-file")));
            try (Connection link = LinkClient.connect(central.primary(), path(prefecture, "keystore"), password,
                    path(prefecture, "truststore"), password, "TLSv1.3")) {
                Session session = link.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("jukibus.inbound." + IdentityFlow.UPDATE_NAME));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                long t0 = System.nanoTime();
                for (byte[] envelope : envelopes) {
                    BytesMessage m = session.createBytesMessage();
                    m.writeBytes(envelope);
                    producer.send(m);
                }
                Instant deadline = Instant.now().plus(LIMIT);
                long done;
                while ((done = recorded(store) - before) < total) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("central recorded " + done + " of " + total + " records in " + LIMIT);
                    }
                    Thread.sleep(50);
                }
                return total / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static long recorded(JdbcTemplate store) {
        Long n = store.queryForObject("select count(*) from identity_record", Long.class);
        return n == null ? 0 : n;
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
