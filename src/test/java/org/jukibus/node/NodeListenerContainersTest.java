package org.jukibus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.ShutdownTimeout;
import org.jukibus.broker.NodeBroker;
import org.jukibus.core.NodeRole;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * On a real node (its routes from routes/): every consumer of an inbound queue (the flows' deliveries, the trust
 * route) runs in the node's {@link LongReceiveContainer} with the long idle receive, and a route waiting in one stops
 * at once instead of after the receive timeout. Fails if the routes' endpoints do not take the container (an option
 * set on the {@code jms} component's bean was once silently not).
 */
@CamelSpringBootTest
@SpringBootTest(classes = NodeApplication.class)
@ShutdownTimeout(1)
class NodeListenerContainersTest {

    static final Network NETWORK = provision();

    @Autowired
    CamelContext camel;

    @Autowired
    NodeBroker broker;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry registry) {
        NETWORK.node("131041").properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    static Network provision() {
        try {
            return new NetworkProvisioner(Path.of("").toAbsolutePath()).provision(Files.createTempDirectory("jukibus-containers-test"),
                    List.of(new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                            new NodeSpec(NodeRole.PREFECTURE, "13", "東京都", "13"),
                            new NodeSpec(NodeRole.MUNICIPAL, "131041", "新宿区", "13")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void every_inbound_consumer_waits_in_a_long_receive_that_a_stop_ends() throws Exception {
        List<Route> inbound = camel.getRoutes().stream()
                .filter(route -> route.getEndpoint().getEndpointUri().startsWith("jms://queue:jukibus.inbound.")).toList();
        assertThat(inbound).extracting(Route::getRouteId).contains("trust-intake", "certificate-copy-reply-delivery");
        for (Route route : inbound) {
            JmsConsumer consumer = (JmsConsumer) route.getConsumer();
            assertThat(consumer.getListenerContainer()).as(route.getRouteId()).isInstanceOf(LongReceiveContainer.class);
            assertThat(consumer.getEndpoint().getReceiveTimeout()).as(route.getRouteId()).isEqualTo(30_000);
        }

        // the trust route's one consumer on the broker, waiting in its receive; its stop does not wait 30 s for it
        await().atMost(Duration.ofSeconds(60)).until(() -> consumersOf("jukibus.inbound.trust") == 1);
        long start = System.nanoTime();
        camel.getRouteController().stopRoute("trust-intake", 60, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(consumersOf("jukibus.inbound.trust")).isZero();
        camel.getRouteController().startRoute("trust-intake");
    }

    private long consumersOf(String queue) {
        return broker.server().locateQueue(SimpleString.of(queue)).getConsumerCount();
    }
}
