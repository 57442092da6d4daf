package org.jukibus.flow.transferout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.ShutdownTimeout;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Receipt;
import org.jukibus.node.NodeApplication;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The prefecture half of the transfer-out flow on one real prefecture node (its routes from
 * routes/, its broker, its store), with the outbound queue replaced by a mock: a confirmation from
 * Shinjuku is noted once even when its delivery fails after the store has committed and the broker
 * delivers it again, and the one receipt goes back.
 */
@CamelSpringBootTest
@SpringBootTest(classes = NodeApplication.class)
@ShutdownTimeout(1)
class TransferOutDeliveryRouteTest {

    static final String SHINJUKU = "131041";
    static final Network NETWORK = provision();

    @Autowired
    CamelContext camel;
    @Autowired
    DataSource dataSource;
    @Autowired
    @Qualifier("localConnectionFactory")
    ConnectionFactory local;
    @Autowired
    NodeDirectory directory;
    @Autowired
    NetworkTrust trust;

    @EndpointInject("mock:outbound")
    MockEndpoint outbound;

    /** Fails the first delivery attempts after the note is stored and before the delivery is recorded. */
    static final AtomicInteger failuresLeft = new AtomicInteger();
    static boolean advised;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry registry) {
        NETWORK.node("13").properties().forEach((k, v) -> registry.add(k, () -> v));
        // the receipt as its own message, sent in the delivery's transaction, which this test watches; batched
        // receipts (the default) are ReceiptBatchIT's and ReceiptBatchStoreTest's
        registry.add("jukibus.receipts.batch.enabled", () -> "false");
    }

    static Network provision() {
        try {
            Path root = Files.createTempDirectory("jukibus-to-route");
            return new NetworkProvisioner(Path.of("").toAbsolutePath()).provision(root, List.of(
                    new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                    new NodeSpec(NodeRole.PREFECTURE, "13", "東京都", "13"),
                    new NodeSpec(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!advised) { // the routes come from routes/*.yaml: advise the running route, once per context
            AdviceWith.adviceWith(camel, "transfer-out-delivery", a -> {
                a.weaveByToUri("jms:queue:jukibus.outbound*").replace().to("mock:outbound");
                a.weaveByToString(".*markDelivered.*").before().process(e -> {
                    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IllegalStateException("simulated crash after the store committed");
                    }
                });
            });
            advised = true;
        }
        outbound.reset();
    }

    @Test
    void a_confirmation_delivered_again_after_a_failure_is_noted_once_and_receipted_once() throws Exception {
        String resident = "60000000011";
        seedIdentityRecord(resident);
        failuresLeft.set(1);
        String id = UUID.randomUUID().toString();
        outbound.expectedMessageCount(1);
        outbound.expectedHeaderReceived(Headers.TYPE, Receipt.TYPE);
        outbound.expectedHeaderReceived(Headers.RECIPIENT, SHINJUKU);
        outbound.expectedHeaderReceived(Headers.MESSAGE_ID, MessageIds.receiptOf(SHINJUKU, id));
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("transfer-out-delivery").whenCompleted(1).create();

        put(sealedByShinjuku(id, resident));

        assertThat(done.matches(30, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        assertThat(failuresLeft).hasValue(0);
        assertThat(jdbc().queryForObject("select count(*) from transfer_out_annotation where confirmation_message_id = ?",
                Integer.class, id)).isEqualTo(1);
    }

    @Test
    void a_confirmation_for_an_unknown_person_is_dead_lettered_and_not_receipted() throws Exception {
        String id = UUID.randomUUID().toString();
        outbound.expectedMessageCount(0);
        int before = dlqDepth();

        put(sealedByShinjuku(id, "60000000097"));

        await().atMost(Duration.ofSeconds(30)).until(() -> dlqDepth() == before + 1);
        outbound.assertIsSatisfied();
        assertThat(jdbc().queryForObject("select count(*) from transfer_out_annotation where confirmation_message_id = ?",
                Integer.class, id)).isZero();
    }

    private JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    private void seedIdentityRecord(String resident) {
        jdbc().update("""
                insert into identity_record (resident_code, name, birth_date, sex, address, change_reason, change_date,
                                             municipality_code, recorded_at)
                values (?, '住基 花子', date '1985-04-01', '2', '東京都新宿区西新宿二丁目8番1号', 'TRANSFER_IN',
                        date '2020-04-01', ?, now())""", resident, SHINJUKU);
    }

    /** A confirmation sealed with Shinjuku's keys for this prefecture, as Shinjuku's node would send it. */
    private byte[] sealedByShinjuku(String messageId, String resident) throws Exception {
        NodeEnvelopes shinjuku = new NodeEnvelopes(SHINJUKU, NETWORK.node(SHINJUKU).keys(), directory, trust::crl,
                new NodeProperties.Envelope(), Clock.systemUTC());
        String xml = Files.readString(Path.of("docs/samples/transfer-out-confirmation.xml"), StandardCharsets.UTF_8)
                .replace("12345678903", resident);
        return shinjuku.seal(TransferOutConfirmation.TYPE, "13", messageId, null, SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Onto this node's inbound queue as the node itself (the delivery route accepts node-local producers, as on a replay). */
    private void put(byte[] envelope) throws Exception {
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(envelope);
            s.createProducer(s.createQueue("jukibus.inbound.transfer-out")).send(m);
        }
    }

    private int dlqDepth() throws Exception {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return java.util.Collections.list(s.createBrowser(s.createQueue("jukibus.dlq")).getEnumeration()).size();
        }
    }
    /**
     * A producer's JMSReplyTo must not make the node send anything anywhere: the reply would go out on the node's
     * own connection, with the node's rights, to whichever queue of its broker the (possibly hostile) peer named.
     */
    @Test
    void a_reply_to_set_by_the_producer_is_ignored() throws Exception {
        int before = deadLetters().size();
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage junk = s.createBytesMessage();
            junk.writeBytes("junk".getBytes(StandardCharsets.UTF_8));
            junk.setJMSReplyTo(s.createQueue("jukibus.dlq"));
            s.createProducer(s.createQueue("jukibus.inbound.transfer-out")).send(junk);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().size() > before);
        Thread.sleep(2_000); // a reply is sent after the route completes
        List<jakarta.jms.Message> added = deadLetters().subList(before, deadLetters().size());
        assertThat(added).hasSize(1);
        assertThat(added.get(0).getStringProperty(Headers.REJECT_REASON)).isEqualTo("MALFORMED");
    }

    private List<jakarta.jms.Message> deadLetters() throws Exception {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return java.util.Collections.list((java.util.Enumeration<jakarta.jms.Message>)
                    s.createBrowser(s.createQueue("jukibus.dlq")).getEnumeration());
        }
    }
}
