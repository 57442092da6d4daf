package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/** A message its recipient did not take waits as long as the broker's redelivery of jukibus.outbound would make it wait. */
class ForwardRetriesTest {

    @Test
    void the_wait_doubles_from_broker_configs_redelivery_delay_up_to_its_maximum() {
        AddressSettings outbound = new AddressSettings().setRedeliveryDelay(500).setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000);
        ForwardRetries retries = ForwardRetries.of("jukibus.outbound", outbound);

        assertThat(retries.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(retries.delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retries.delay(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(retries.delay(8)).isEqualTo(Duration.ofSeconds(60));
        assertThat(retries.delay(10_000)).as("no overflow after days of waiting").isEqualTo(Duration.ofSeconds(60));
    }

    /**
     * The put-back is a copy: without the local duplicate id (the queue knows the original's and would drop it), with the
     * message's own headers (its id, the remote duplicate id, its created-at for expiry, when it was first queued for
     * the age metrics), the attempts counted, scheduled by the backoff; the original is consumed in the same
     * transaction. Nothing but the node's own headers is copied (one the JMS API refuses would fail it for ever).
     */
    @Test
    void a_put_back_is_a_scheduled_copy_with_the_messages_own_headers_and_without_its_local_duplicate_id() throws Exception {
        int vm = 7250;
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://" + vm);
        config.addQueueConfiguration(QueueConfiguration.of("jukibus.outbound").setRoutingType(RoutingType.ANYCAST));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        try (ActiveMQConnectionFactory local = new ActiveMQConnectionFactory("vm://" + vm);
             Connection connection = local.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = session.createQueue("jukibus.outbound");
            BytesMessage original = session.createBytesMessage();
            original.writeBytes(new byte[] {1, 2, 3});
            original.setStringProperty(Headers.MESSAGE_ID, "m-1");
            original.setStringProperty(Headers.DUPLICATE_ID, "m-1");
            original.setStringProperty(Headers.RECIPIENT, "271004");
            original.setStringProperty(Headers.CREATED_AT, "2026-12-07T03:00:00Z");
            original.setStringProperty("CamelSomething", "not the node's");
            session.createProducer(queue).send(original);
            session.commit();
            ForwardRetries retries = new ForwardRetries("jukibus.outbound", Duration.ofMillis(700), 2, Duration.ofSeconds(60));

            MessageConsumer consumer = session.createConsumer(queue);
            Message first = consumer.receive(5000);
            long queuedAt = first.getJMSTimestamp();
            long before = System.currentTimeMillis();
            retries.later(session, first, new byte[] {1, 2, 3}, null);
            session.commit();
            assertThat(consumer.receiveNoWait()).as("scheduled for later, not there at once").isNull();
            Message copy = consumer.receive(5000);
            session.commit();

            assertThat(copy).isNotNull();
            assertThat(copy.propertyExists(Headers.DUPLICATE_ID)).isFalse();
            assertThat(copy.getStringProperty(Headers.MESSAGE_ID)).isEqualTo("m-1");
            assertThat(copy.getStringProperty(Headers.RECIPIENT)).isEqualTo("271004");
            assertThat(copy.getStringProperty(Headers.CREATED_AT)).isEqualTo("2026-12-07T03:00:00Z");
            assertThat(copy.getLongProperty(ForwardRetries.QUEUED_AT)).isEqualTo(queuedAt);
            assertThat(copy.getIntProperty(ForwardRetries.ATTEMPTS)).isEqualTo(1);
            assertThat(copy.getLongProperty(ForwardRetries.SCHEDULED_DELIVERY)).isBetween(before + 700, System.currentTimeMillis() + 700);
            assertThat(copy.propertyExists("CamelSomething")).isFalse();
            assertThat(((BytesMessage) copy).getBodyLength()).isEqualTo(3);

            retries.later(session, copy, new byte[] {1, 2, 3}, null);
            session.commit();
            Message again = consumer.receive(5000);
            session.commit();
            assertThat(again.getIntProperty(ForwardRetries.ATTEMPTS)).isEqualTo(2);
            assertThat(again.getLongProperty(ForwardRetries.QUEUED_AT)).as("still the original's").isEqualTo(queuedAt);
            assertThat(consumer.receive(200)).as("the original is gone, one copy at a time").isNull();
        } finally {
            broker.stop();
        }
    }

    /**
     * A message whose peer is down is parked in the batch's transaction (flow.ParkedEnvelopes), not put back as a copy
     * scheduled for later: after the commit it is on the peer's parking queue, with its own headers, and the outbound
     * queue holds nothing, scheduled or not; rolled back, neither happened.
     */
    @Test
    void a_message_for_a_peer_that_is_down_is_parked_in_the_batchs_transaction_not_put_back() throws Exception {
        int vm = 7251;
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://" + vm);
        config.addQueueConfiguration(QueueConfiguration.of("jukibus.outbound").setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(ParkedEnvelopes.queueOf("271004")).setRoutingType(RoutingType.ANYCAST));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        try (ActiveMQConnectionFactory local = new ActiveMQConnectionFactory("vm://" + vm);
             Connection connection = local.createConnection();
             ParkedEnvelopes parked = new ParkedEnvelopes(broker.getActiveMQServer(), local)) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = session.createQueue("jukibus.outbound");
            BytesMessage original = session.createBytesMessage();
            original.writeBytes(new byte[] {4, 5});
            original.setStringProperty(Headers.MESSAGE_ID, "m-2");
            original.setStringProperty(Headers.RECIPIENT, "271004");
            session.createProducer(queue).send(original);
            session.commit();
            ForwardRetries retries = new ForwardRetries("jukibus.outbound", Duration.ofMillis(700), 2, Duration.ofSeconds(60))
                    .parkingIn(parked);
            MessageConsumer consumer = session.createConsumer(queue);

            retries.peerDown(session, consumer.receive(5000), new byte[] {4, 5}, "271004");
            session.rollback(); // the batch failed: neither parked nor gone
            assertThat(broker.getActiveMQServer().locateQueue(ParkedEnvelopes.queueOf("271004")).getMessageCount()).isZero();
            Message again = consumer.receive(5000);
            assertThat(again.getStringProperty(Headers.MESSAGE_ID)).isEqualTo("m-2");

            retries.peerDown(session, again, new byte[] {4, 5}, "271004");
            session.commit();
            var outbound = broker.getActiveMQServer().locateQueue("jukibus.outbound");
            assertThat(outbound.getMessageCount()).as("nothing put back").isZero();
            assertThat(outbound.getScheduledCount()).isZero();
            MessageConsumer parking = session.createConsumer(session.createQueue(ParkedEnvelopes.queueOf("271004")));
            Message parkedCopy = parking.receive(5000);
            session.commit();
            assertThat(parkedCopy.getStringProperty(Headers.MESSAGE_ID)).isEqualTo("m-2");
            assertThat(parkedCopy.propertyExists(ForwardRetries.ATTEMPTS)).isFalse();
            assertThat(((BytesMessage) parkedCopy).getBodyLength()).isEqualTo(2);
        } finally {
            broker.stop();
        }
    }
}
