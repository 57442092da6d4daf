package org.jukibus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * The routes' JMS component on the local broker, as NodeConfiguration wires it (LocalJms, a caching connection
 * factory, the {@code PROPAGATION_REQUIRED} policy on a JmsTransactionManager of the same factory): a route that
 * consumes a message and sends one in its {@code transacted} step commits both with one commit, of one session, on one
 * consumer kept for the listener thread; a route that fails after its send leaves neither.
 */
class LocalJmsTest {

    private static final int VM = 7261;

    private EmbeddedActiveMQ broker;
    private final Commits commits = new Commits();
    private CachingConnectionFactory local;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://" + VM);
        for (String queue : List.of("in", "out", "dlq")) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        }
        config.addAddressSetting("in", new AddressSettings().setMaxDeliveryAttempts(2)
                .setDeadLetterAddress(SimpleString.of("dlq")));
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();

        ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory("vm://" + VM);
        inVm.setConsumerWindowSize(0); // as NodeBroker#localFactory
        local = new CachingConnectionFactory(commits.counting(inVm));
        local.setSessionCacheSize(8);
        local.setCacheConsumers(false);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("jms", LocalJms.component(local));
        SpringTransactionPolicy required = new SpringTransactionPolicy(new JmsTransactionManager(local));
        required.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        camel.getRegistry().bind("PROPAGATION_REQUIRED", required);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:in?disableReplyTo=true&receiveTimeout=200").routeId("consume")
                        .transacted()
                        .to("jms:queue:out")
                        .filter(body().isEqualTo("fail")).throwException(new IllegalStateException("after the send"));
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        local.destroy();
        broker.stop();
    }

    @Test
    void the_receive_and_the_routes_send_are_one_commit_of_one_session_on_one_consumer() throws Exception {
        for (int i = 0; i < 5; i++) {
            send("in", "m" + i);
        }
        List<String> out = receiveAll("out", 5);

        assertThat(out).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");
        await().atMost(Duration.ofSeconds(10)).until(() -> commits.withWork().size() >= 5);
        assertThat(commits.withWork()).as("each commit that did work: what it covered")
                .containsOnly(Commits.RECEIVE_AND_SEND).hasSize(5);
        assertThat(commits.consumersOnQueue("in")).as("consumers the listener created on the queue").isEqualTo(1);
    }

    @Test
    void a_route_failing_after_its_send_leaves_neither_the_send_nor_the_consumption() throws Exception {
        send("in", "fail");
        send("in", "ok");

        assertThat(receiveAll("out", 1)).containsExactly("ok");
        assertThat(receiveAll("dlq", 1)).as("dead-lettered by the broker after its attempts, each rolled back")
                .containsExactly("fail");
        assertThat(receiveNoWait("out")).as("no send of a failed attempt was committed").isNull();
    }

    private void send(String queue, String text) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory("vm://" + VM).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
        }
    }

    private List<String> receiveAll(String queue, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection connection = new ActiveMQConnectionFactory("vm://" + VM).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            while (texts.size() < count) {
                Message message = consumer.receive(10_000);
                if (message == null) {
                    break;
                }
                texts.add(((TextMessage) message).getText());
            }
        }
        return texts;
    }

    private Message receiveNoWait(String queue) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory("vm://" + VM).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            return session.createConsumer(session.createQueue(queue)).receive(500);
        }
    }

    /** Counts, per session, what each commit covered (a receive, a send) and the consumers made on each queue. */
    private static final class Commits {

        static final String RECEIVE_AND_SEND = "receive+send";

        private final List<String> withWork = new ArrayList<>();
        private final List<String> consumerQueues = new ArrayList<>();

        synchronized List<String> withWork() {
            return List.copyOf(withWork);
        }

        synchronized long consumersOnQueue(String queue) {
            return consumerQueues.stream().filter(queue::equals).count();
        }

        ConnectionFactory counting(ConnectionFactory target) {
            return proxy(ConnectionFactory.class, target, (method, args, result) -> result instanceof Connection c
                    ? proxy(Connection.class, c, (m, a, r) -> r instanceof Session s ? session(s) : r) : result);
        }

        private Session session(Session target) {
            AtomicInteger received = new AtomicInteger();
            AtomicInteger sent = new AtomicInteger();
            return proxy(Session.class, target, (method, args, result) -> {
                switch (method) {
                    case "createConsumer" -> {
                        synchronized (this) {
                            consumerQueues.add(((jakarta.jms.Queue) args[0]).getQueueName());
                        }
                        return proxy(MessageConsumer.class, (MessageConsumer) result, (m, a, r) -> {
                            if (m.startsWith("receive") && r != null) {
                                received.incrementAndGet();
                            }
                            return r;
                        });
                    }
                    case "createProducer" -> {
                        return proxy(MessageProducer.class, (MessageProducer) result, (m, a, r) -> {
                            if (m.equals("send")) {
                                sent.incrementAndGet();
                            }
                            return r;
                        });
                    }
                    case "commit" -> {
                        if (received.get() + sent.get() > 0) {
                            synchronized (this) {
                                withWork.add((received.get() > 0 ? "receive" : "") + (received.get() > 0 && sent.get() > 0
                                        ? "+" : "") + (sent.get() > 0 ? "send" : ""));
                            }
                        }
                        received.set(0);
                        sent.set(0);
                    }
                    case "rollback" -> {
                        received.set(0);
                        sent.set(0);
                    }
                    default -> {
                    }
                }
                return result;
            });
        }

        /** What a proxy does with a call's result: (method name, arguments, result) to what the caller gets. */
        private interface After {
            Object apply(String method, Object[] args, Object result) throws Exception;
        }

        private static <T> T proxy(Class<T> type, T target, After after) {
            InvocationHandler handler = (p, method, args) -> {
                Object result;
                try {
                    result = method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                return after.apply(method.getName(), args, result);
            };
            return type.cast(Proxy.newProxyInstance(LocalJmsTest.class.getClassLoader(), new Class<?>[] {type}, handler));
        }
    }
}
