package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.component.stub.StubComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.store.StoreProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.CannotAcquireLockException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The {@code delivery-retries} error handling as the node runs it: routes/common/error-handling.yaml loaded into a
 * real CamelContext, its beans real ({@link DeliveryFailures}, {@link DeadLetters}), the broker a stub. Camel asks the
 * {@code onWhen} once per exception of the failure's cause chain and on a copy of the exchange (review-slowstmt H1, H2):
 * a failure must be counted once per attempt, and what it is dead-lettered with must reach the dead letter.
 */
class DeliveryRetriesRouteTest {

    private final CamelContext camel = new DefaultCamelContext();
    private Throwable thrown;

    @AfterEach
    void stop() {
        camel.stop();
    }

    /** A lock timeout as Spring reports it: its own exception with the driver's as cause (a two-level chain). */
    private static Exception lockTimeout() {
        return new CannotAcquireLockException("PreparedStatementCallback; SQL [update keyed set n = n + 1 where id = ?]",
                new SQLException("ERROR: canceling statement due to lock timeout", "55P03"));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void a_statement_slow_for_its_own_message_is_dead_lettered_at_exactly_its_bound_with_its_reason(int bound) throws Exception {
        start(8, () -> new StoreProbe.Answer(true, "50min", "10min"), bound);
        thrown = lockTimeout();

        for (int attempt = 1; attempt < bound; attempt++) {
            Exchange done = deliver("ID:slow", attempt);
            assertThat(done.getException()).as("rolled back at timeout %d", attempt).isNotNull();
        }
        Exchange done = deliver("ID:slow", bound);

        assertThat(done.getException()).as("dead-lettered at timeout " + bound).isNull();
        Exchange dead = deadLetters().poll();
        assertThat(dead).isNotNull();
        assertThat(dead.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo(DeliveryFailures.STORE_LOCK_TIMEOUT);
        assertThat(dead.getIn().getHeader(Headers.REJECT_DETAIL, String.class))
                .contains("a statement UPDATE on keyed timed out (lock_timeout 10min) " + bound + " time(s)");
        Throwable caught = done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        assertThat(DeliveryFailures.outage(caught)).as("what DeliverySuspension reads at completion: the queue moves on").isFalse();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void a_store_that_does_not_answer_leaves_the_message_waiting() throws Exception {
        start(8, () -> StoreProbe.Answer.NONE, 3);
        thrown = lockTimeout();
        for (int attempt = 1; attempt <= 20; attempt++) {
            assertThat(deliver("ID:waits", attempt).getException()).as("rolled back at %d", attempt).isNotNull();
        }
        assertThat(deadLetters()).isEmpty();
    }

    /** A bug under a wrapper (a two-level chain) gets all its jukibus.delivery.max-attempts: it got about half. */
    @Test
    void a_bug_with_a_cause_is_dead_lettered_at_max_attempts() throws Exception {
        start(8, () -> StoreProbe.Answer.NONE, 3);
        thrown = new IllegalStateException("wrapped", new IllegalArgumentException("bug"));
        for (int attempt = 1; attempt < 8; attempt++) {
            assertThat(deliver("ID:bug", attempt).getException()).as("rolled back at %d", attempt).isNotNull();
        }
        assertThat(deliver("ID:bug", 8).getException()).isNull();
        assertThat(deadLetters().poll().getIn().getHeader(Headers.REJECT_REASON)).isEqualTo(DeliveryFailures.RETRIES_EXHAUSTED);
    }

    /** A transient failure past the outage window reaches the dead letter as TRANSIENT_EXPIRED, final. */
    @Test
    void a_transient_failure_past_the_outage_window_is_dead_lettered_transient_expired() throws Exception {
        start(8, () -> StoreProbe.Answer.NONE, 3);
        thrown = new IllegalStateException("wrapped", DeliveryFailuresTest.outboxUnwritable());
        expired = true;
        Exchange done = deliver("ID:old", 1);

        assertThat(done.getException()).isNull();
        assertThat(deadLetters().poll().getIn().getHeader(Headers.REJECT_REASON)).isEqualTo(DeliveryFailures.TRANSIENT_EXPIRED);
        assertThat(DeliveryFailures.outage(done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))).isFalse();
    }

    private boolean expired;
    /** The dead-letter path's notice step (NonDeliveryNotices): its sender is not this test's concern. */
    public static final class Notices {
        public void onDeadLetter(Exchange exchange) {
            // nothing to tell
        }
    }

    private void start(int maxAttempts, Supplier<StoreProbe.Answer> probe, int statementTimeoutAttempts) throws Exception {
        Clock clock = Clock.fixed(DeliveryFailuresTest.NOW, java.time.ZoneOffset.UTC);
        camel.getRegistry().bind("deliveryFailures", new DeliveryFailures(maxAttempts, -1, Duration.ofDays(30), clock,
                new SlowStatements(probe, statementTimeoutAttempts, new SimpleMeterRegistry())));
        camel.getRegistry().bind("deadLetters", new DeadLetters(clock, FlowMetrics.none(), event -> { }, new SecurityEvents()));
        camel.getRegistry().bind("nonDeliveryNotices", new Notices());
        camel.addComponent("jms", new StubComponent());
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveMandatoryResource(camel, "file:routes/common/error-handling.yaml"));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:deliver").routeConfigurationId("delivery-retries").process(exchange -> {
                    if (expired) {
                        exchange.setProperty(InboundDelivery.DELIVERED,
                                DeliveryFailuresTest.delivered(DeliveryFailuresTest.NOW.minus(Duration.ofDays(31))));
                    }
                    throw (Exception) thrown;
                });
            }
        });
        camel.start();
    }

    private Exchange deliver(String messageId, int deliveryCount) {
        ProducerTemplate producer = camel.createProducerTemplate();
        return producer.send("direct:deliver", exchange -> {
            exchange.getIn().setHeader("JMSMessageID", messageId);
            exchange.getIn().setHeader("JMSXDeliveryCount", deliveryCount);
            exchange.getIn().setBody(new byte[] {1});
        });
    }

    private BlockingQueue<Exchange> deadLetters() {
        return camel.getEndpoint("jms:queue:jukibus.dlq", SedaEndpoint.class).getQueue();
    }
}
