package org.jukibus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * The delivery routes' listener container on a broker, wired as NodeConfiguration#jms wires the node's (CACHE_NONE, the
 * transaction manager's session for the receive and the route's sends): a route waiting in a receive of two minutes
 * stops at once, and a message that its receive returns as the stop closes the consumer goes back on the queue, to be
 * delivered once after the restart. Both fail with Spring's container (the stop waits out the receive) and the second
 * with a container that, once it closed a consumer, counts the receive as empty without rolling back (the close
 * acknowledged the message in the transaction that then commits).
 */
class LongReceiveContainerTest {

    private static final int VM = 7263;
    /** Far longer than any stop may take: a stop that waits for the receive shows. */
    private static final long RECEIVE_MILLIS = 120_000;
    private static final Duration QUICK_STOP = Duration.ofSeconds(30);

    private EmbeddedActiveMQ broker;
    private final HeldReceives receives = new HeldReceives();
    private CachingConnectionFactory local;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://" + VM);
        for (String queue : List.of("in", "out")) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        }
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();

        ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory("vm://" + VM);
        inVm.setConsumerWindowSize(0); // as NodeBroker#localFactory
        local = new CachingConnectionFactory(receives.wrapping(inVm));
        local.setSessionCacheSize(8);
        local.setCacheConsumers(false);
        JmsTransactionManager transactionManager = new JmsTransactionManager(local);
        JmsComponent jms = JmsComponent.jmsComponentTransacted(local, transactionManager);
        jms.setCacheLevelName("CACHE_NONE");
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("jms", jms);
        camel.getRegistry().bind("longReceives", LongReceiveContainer.factory());
        SpringTransactionPolicy required = new SpringTransactionPolicy(transactionManager);
        required.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        camel.getRegistry().bind("PROPAGATION_REQUIRED", required);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:in?transacted=true&disableReplyTo=true&receiveTimeout=" + RECEIVE_MILLIS
                        + "&messageListenerContainerFactory=#bean:longReceives").routeId("deliver")
                        .transacted()
                        .to("jms:queue:out");
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        receives.release();
        camel.stop();
        local.destroy();
        broker.stop();
    }

    @Test
    void an_idle_route_stops_without_waiting_out_its_receive_and_delivers_again_after_a_restart() throws Exception {
        assertThat(((JmsConsumer) camel.getRoute("deliver").getConsumer()).getListenerContainer())
                .isInstanceOf(LongReceiveContainer.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> receives.waiting() == 1);

        assertThat(stopTakes()).isLessThan(QUICK_STOP);
        assertThat(receives.waiting()).as("receives still waiting").isZero();

        camel.getRouteController().startRoute("deliver");
        send("after the restart");
        assertThat(receiveAll("out", 1, 2)).containsExactly("after the restart");
    }

    @Test
    void a_message_the_receive_returns_as_the_stop_closes_its_consumer_goes_back_and_is_delivered_once() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> receives.waiting() == 1);
        receives.holdNextMessageUntilClosed();
        send("in the stop");
        assertThat(receives.taken.await(20, TimeUnit.SECONDS)).as("the receive took the message").isTrue();

        assertThat(stopTakes()).isLessThan(QUICK_STOP);
        assertThat(receives.returnedAfterClose.get()).as("the receive returned the message after its consumer closed").isTrue();
        assertThat(receiveAll("out", 0, 1)).as("nothing delivered by the stopped route").isEmpty();

        camel.getRouteController().startRoute("deliver");
        assertThat(receiveAll("out", 1, 2)).as("delivered once after the restart").containsExactly("in the stop");
        assertThat(receiveAll("in", 0, 1)).as("nothing left on the queue").isEmpty();
    }

    private Duration stopTakes() throws Exception {
        long start = System.nanoTime();
        camel.getRouteController().stopRoute("deliver", RECEIVE_MILLIS * 2, TimeUnit.MILLISECONDS);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void send(String text) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory("vm://" + VM).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createQueue("in")).send(session.createTextMessage(text));
        }
    }

    /** Up to {@code most} messages of the queue, each waited for 3 s at most. */
    /**
     * Up to {@code most} texts from the queue: the first {@code expected} waited for long (a restarted route and a
     * redelivery take their time on a loaded machine), any more for 3 s (to see that none is there).
     */
    private List<String> receiveAll(String queue, int expected, int most) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection connection = new ActiveMQConnectionFactory("vm://" + VM).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            while (texts.size() < most) {
                Message message = consumer.receive(texts.size() < expected ? 60_000 : 3_000);
                if (message == null) {
                    break;
                }
                texts.add(((TextMessage) message).getText());
            }
        }
        return texts;
    }

    /**
     * The consumers the listener creates, seen through proxies: how many are in a receive, and, once armed, a receive
     * that took a message holds it until its consumer has been closed (as if the close came just as it returned).
     */
    private static final class HeldReceives {

        private final AtomicInteger waiting = new AtomicInteger();
        private final AtomicBoolean hold = new AtomicBoolean();
        private final CountDownLatch closed = new CountDownLatch(1);
        final CountDownLatch taken = new CountDownLatch(1);
        final AtomicBoolean returnedAfterClose = new AtomicBoolean();

        int waiting() {
            return waiting.get();
        }

        void holdNextMessageUntilClosed() {
            hold.set(true);
        }

        void release() {
            closed.countDown();
        }

        ConnectionFactory wrapping(ConnectionFactory target) {
            return proxy(ConnectionFactory.class, target, (method, args, call) -> call.get() instanceof Connection c
                    ? proxy(Connection.class, c, (m, a, connectionCall) -> connectionCall.get() instanceof Session s
                            ? proxy(Session.class, s, (sm, sa, sessionCall) -> sessionCall.get() instanceof MessageConsumer consumer
                                    ? consumer(consumer) : sessionCall.get())
                            : connectionCall.get())
                    : call.get());
        }

        private MessageConsumer consumer(MessageConsumer target) {
            AtomicBoolean thisClosed = new AtomicBoolean();
            return proxy(MessageConsumer.class, target, (method, args, call) -> {
                if (method.equals("close")) {
                    Object result = call.get();
                    if (thisClosed.compareAndSet(false, true)) {
                        closed.countDown();
                    }
                    return result;
                }
                if (!method.startsWith("receive")) {
                    return call.get();
                }
                waiting.incrementAndGet();
                try {
                    Object message = call.get();
                    if (message != null && hold.compareAndSet(true, false)) {
                        taken.countDown();
                        closed.await(RECEIVE_MILLIS, TimeUnit.MILLISECONDS);
                        returnedAfterClose.set(thisClosed.get());
                    }
                    return message;
                } finally {
                    waiting.decrementAndGet();
                }
            });
        }

        /** The call on the target, made once, when the handler first asks for its result. */
        private static final class Call {
            private final java.util.concurrent.Callable<Object> target;
            private boolean made;
            private Object result;

            Call(java.util.concurrent.Callable<Object> target) {
                this.target = target;
            }

            Object get() throws Exception {
                if (!made) {
                    result = target.call();
                    made = true;
                }
                return result;
            }
        }

        /** What a proxy does with a call: (method name, arguments, the call on the target) to what the caller gets. */
        private interface Around {
            Object apply(String method, Object[] args, Call call) throws Exception;
        }

        private static <T> T proxy(Class<T> type, T target, Around around) {
            InvocationHandler handler = (p, method, args) -> around.apply(method.getName(), args, new Call(() -> {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
            }));
            return type.cast(Proxy.newProxyInstance(LongReceiveContainerTest.class.getClassLoader(), new Class<?>[] {type}, handler));
        }
    }
}
