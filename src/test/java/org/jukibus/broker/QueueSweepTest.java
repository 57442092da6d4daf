package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QueueSweep} on a persistent broker whose queue pages beyond 64 KiB and reads back 32 KiB of its page files at
 * most: 40 KiB of messages that do not match at the head already hide what follows from a consumer's selector.
 */
class QueueSweepTest {

    private static final AtomicInteger VM_IDS = new AtomicInteger(7100);
    private static final String QUEUE = "jukibus.dlq";
    private static final int BYTES = 1024;

    @TempDir
    Path dir;
    EmbeddedActiveMQ broker;
    ActiveMQConnectionFactory local;

    @BeforeEach
    void start() throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int vm = VM_IDS.getAndIncrement();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(true).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.setBrokerInstance(dir.toFile());
        config.addAddressSetting(QUEUE, new AddressSettings().setMaxSizeBytes(64 * 1024).setPageSizeBytes(16 * 1024)
                .setMaxReadPageBytes(32 * 1024).setMaxReadPageMessages(-1)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        config.addAcceptorConfiguration("in-vm", "vm://" + vm);
        config.addQueueConfiguration(QueueConfiguration.of(QUEUE).setRoutingType(RoutingType.ANYCAST));
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        local = new ActiveMQConnectionFactory("vm://" + vm);
        local.setConsumerWindowSize(0);
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        broker.stop();
    }

    @Test
    void removes_every_match_in_the_page_files_and_keeps_every_other_message_once() throws Exception {
        // 100 KiB that do not match at the head, then 100 matches between 100 messages that do not
        put("keep", 0, 100);
        put("drop", 100, 300);
        assertThat(broker.getActiveMQServer().getPagingManager().getPageStore(SimpleString.of(QUEUE)).isPaging()).isTrue();
        assertThat(takeWithSelectorAlone()).as("a consumer's selector alone misses most (the control)").isLessThan(50);

        QueueSweep.Swept swept = sweep().remove("kind = 'drop'");

        assertThat(swept.removed()).isEqualTo(100 - takenByControl);
        assertThat(swept.walked()).isTrue();
        assertThat(swept.complete()).isTrue();
        List<String> left = browse();
        assertThat(left).hasSize(200).doesNotHaveDuplicates().allMatch(id -> id.startsWith("keep-"));
    }

    @Test
    void a_copy_keeps_its_properties_and_time_and_not_its_duplicate_id() throws Exception {
        put("keep", 0, 100);
        put("drop", 100, 300);
        long sentBefore = System.currentTimeMillis() + 1;

        sweep().remove("kind = 'drop'");

        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = s.createBrowser(s.createQueue(QUEUE), "n = 151")) {
                Message copy = (Message) browser.getEnumeration().nextElement();
                assertThat(copy.getStringProperty("JukibusMessageId")).isEqualTo("keep-151");
                assertThat(copy.getStringProperty("JukibusFlow")).isEqualTo("transfer-in");
                assertThat(copy.getLongProperty("JukibusRejectedAtMillis")).isLessThan(sentBefore);
                assertThat(copy.getJMSTimestamp()).as("a new message: the copy").isGreaterThanOrEqualTo(sentBefore - 1);
                assertThat(copy.propertyExists("_AMQ_DUPL_ID")).isFalse();
                assertThat(((BytesMessage) copy).getBodyLength()).isEqualTo(BYTES);
            }
        }
        assertThat(browse()).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void a_walk_goes_on_past_one_it_fails_to_take_and_keeps_that_one() throws Exception {
        put("keep", 0, 100);
        put("drop", 100, 300);
        List<String> takenIds = new ArrayList<>();
        QueueSweep.Walked walked = sweep().walk("kind = 'drop'", new QueueSweep.Taker() {
            @Override
            public Runnable take(Session s, MessageProducer producer, Message m) throws Exception {
                String id = m.getStringProperty("JukibusMessageId");
                if (id.equals("drop-150")) {
                    throw new IllegalStateException("the store is down");
                }
                return () -> takenIds.add(id);
            }

            @Override
            public void failed(Message m, Exception e) {
            }
        }, 10);

        assertThat(walked.failures()).isEqualTo(1);
        assertThat(walked.taken()).isEqualTo(99);
        assertThat(takenIds).hasSize(99).doesNotHaveDuplicates().doesNotContain("drop-150");
        List<String> left = browse();
        assertThat(left).hasSize(201).doesNotHaveDuplicates().contains("drop-150");
        assertThat(left.stream().filter(id -> id.startsWith("keep-"))).hasSize(200);
    }

    @Test
    void counts_to_the_end_of_the_queue_past_the_management_count() throws Exception {
        put("keep", 0, 100);
        put("drop", 100, 700);
        QueueControl control = (QueueControl) broker.getActiveMQServer().getManagementService()
                .getResource(ResourceNames.QUEUE + QUEUE);
        assertThat(control.countMessages("kind = 'drop'")).as("the management count stops at 200 messages").isEqualTo(50);
        assertThat(sweep().count("kind = 'drop'")).isEqualTo(300);
        assertThat(sweep().count(null)).isEqualTo(700);
        assertThat(sweep().countBy("kind")).containsEntry("drop", 300L).containsEntry("keep", 400L).hasSize(2);
        assertThat(sweep().paging()).isTrue();
    }

    @Test
    void the_count_includes_a_match_held_by_another_consumer() throws Exception {
        put("drop", 0, 300); // drop-0 at the head, in memory
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer holder = s.createConsumer(s.createQueue(QUEUE), "n = 0");
            assertThat(holder.receive(5000)).isNotNull(); // held, not acknowledged

            QueueSweep.Swept swept = sweep().remove("kind = 'drop'");

            assertThat(swept.complete()).as("the one held is still there").isFalse();
            assertThat(swept.left()).isEqualTo(1);
            s.rollback();
        }
    }

    @Test
    void nothing_to_remove_touches_nothing() throws Exception {
        put("keep", 0, 300);
        QueueSweep.Swept swept = sweep().remove("kind = 'drop'");
        assertThat(swept.removed()).isZero();
        assertThat(swept.rewritten()).isZero();
        assertThat(swept.walked()).isFalse();
        assertThat(browse()).hasSize(300);
    }

    private int takenByControl;

    private QueueSweep sweep() {
        return new QueueSweep(local, broker.getActiveMQServer(), QUEUE);
    }

    /** Messages {@code from} to {@code to}: {@code kind} as given for the first, then alternating drop and keep. */
    private void put(String first, int from, int to) throws Exception {
        try (Connection c = local.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            for (int n = from; n < to; n++) {
                String kind = first.equals("keep") && from == 0 ? "keep" : n % 2 == 0 ? "drop" : "keep";
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(new byte[BYTES]);
                m.setStringProperty("kind", kind);
                m.setIntProperty("n", n);
                m.setStringProperty("JukibusMessageId", kind + "-" + n);
                m.setStringProperty("JukibusFlow", "transfer-in");
                m.setStringProperty("_AMQ_DUPL_ID", "dup-" + n);
                producer.send(m);
            }
        }
    }

    /** What a consumer with the selector alone takes (the sweep's first step, without its second). */
    private int takeWithSelectorAlone() throws Exception {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE), "kind = 'drop'");
            int n = 0;
            while (consumer.receive(500) != null) {
                n++;
                s.commit();
            }
            takenByControl = n;
            return n;
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> browse() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = s.createBrowser(s.createQueue(QUEUE))) {
                for (Message m : Collections.list((java.util.Enumeration<Message>) browser.getEnumeration())) {
                    ids.add(m.getStringProperty("JukibusMessageId"));
                }
            }
        }
        return ids;
    }
}
