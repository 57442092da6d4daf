package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.flow.DeliveryFailures;
import org.jukibus.testing.Closing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2: at the broker's disk bound the node's own sends (with the node's in-VM client, {@link NodeBroker#localFactory})
 * fail at once as an outage instead of waiting for credits for ever, nothing is stored meanwhile but the heartbeat, and
 * once there is room again (here: the shipped bound after a restart) the same send is stored once.
 */
class DiskFullRefusalTest {

    static final String OUTBOUND = "jukibus.outbound";

    @TempDir
    Path dir;
    NodeBroker broker;
    ActiveMQConnectionFactory local;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(local, broker);
    }

    @Test
    void a_send_at_the_disk_bound_fails_at_once_as_an_outage_and_is_stored_once_after() throws Exception {
        start(DiskFullBrokers.fullDiskConfig(dir.resolve("config")));
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.server().getPagingManager().isDiskFull());

        // the send must come back: before DiskFullRefusal it waited for producer credits for ever
        CompletableFuture<Throwable> send = CompletableFuture.supplyAsync(() -> {
            try {
                sendTransacted("notice-1", "TransferInNotice");
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Throwable failure = send.get(10, TimeUnit.SECONDS);
        assertThat(failure).isNotNull();
        assertThat(DiskFullRefusal.refused(failure)).as("refused for the disk: %s", failure).isTrue();
        assertThat(DeliveryFailures.outage(failure)).isTrue();
        assertThat(DeliveryFailures.classify(failure)).isEqualTo(DeliveryFailures.Kind.TRANSIENT);

        // the heartbeat still goes out, so central hears of it; a non-transacted send is refused too
        sendPlain("beat-1", org.jukibus.monitoring.NodeHeartbeat.TYPE);
        assertThatThrownBy(() -> sendPlain("notice-2", "TransferInNotice")).isInstanceOf(JMSException.class)
                .satisfies(e -> assertThat(DiskFullRefusal.refused(e)).isTrue());
        assertThat(ids()).containsExactly("beat-1");

        // room again: the shipped bound (1 GiB free), the same data
        local.close();
        broker.close();
        start(Path.of("broker-config"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !broker.server().getPagingManager().isDiskFull());
        sendTransacted("notice-1", "TransferInNotice");
        assertThat(ids()).containsExactly("beat-1", "notice-1");
    }

    private void start(Path configDir) throws Exception {
        String secret = "local-" + System.nanoTime();
        broker = DiskFullBrokers.start(configDir, dir.resolve("data"), secret);
        local = broker.localFactory(NodeSecurityManager.LOCAL_USER, secret);
    }

    private void sendTransacted(String id, String flow) throws JMSException {
        try (Connection connection = local.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            send(session, id, flow);
            session.commit();
        }
    }

    private void sendPlain(String id, String flow) throws JMSException {
        try (Connection connection = local.createConnection()) {
            send(connection.createSession(false, Session.AUTO_ACKNOWLEDGE), id, flow);
        }
    }

    private static void send(Session session, String id, String flow) throws JMSException {
        MessageProducer producer = session.createProducer(session.createQueue(OUTBOUND));
        Message message = session.createTextMessage("<envelope/>");
        message.setStringProperty("JukibusMessageId", id);
        message.setStringProperty(org.jukibus.flow.Headers.TYPE, flow);
        message.setStringProperty("_AMQ_DUPL_ID", id);
        producer.send(message);
    }

    private java.util.List<String> ids() throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (Connection connection = local.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var browser = session.createBrowser(session.createQueue(OUTBOUND));
            var e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                ids.add(((Message) e.nextElement()).getStringProperty("JukibusMessageId"));
            }
        }
        assertThat(broker.server().locateQueue(SimpleString.of(OUTBOUND))).isNotNull();
        return ids;
    }
}
