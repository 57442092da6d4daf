package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.clock.MovableClock;
import org.jukibus.flow.DeliverySuspension;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.TransientFailure;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** A node whose inbound delivery an outage suspended reports the component {@code delivery} down (its heartbeat says so). */
class DeliveryHealthTest {

    @Test
    void down_naming_the_queue_its_cause_and_since_when_while_a_queue_is_suspended() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-05T18:00:00Z"));
        DeliverySuspension suspension = new DeliverySuspension(new SimpleMeterRegistry(), clock, Duration.ofSeconds(1),
                Duration.ofMinutes(1));
        assertThat(NodeHealth.delivery(suspension).health().getStatus()).isEqualTo(Status.UP);

        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getExchangeExtension().setFromEndpoint(exchange.getContext().getEndpoint("direct:queue:jukibus.inbound.transfer-in"));
        suspension.pass(exchange);
        exchange.setException(new TransientFailure(LegacyOutbox.UNWRITABLE, "cannot write outbox/transfer-in", null));
        exchange.getExchangeExtension().handoverCompletions().forEach(done -> done.onFailure(exchange));

        Health down = NodeHealth.delivery(suspension).health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        @SuppressWarnings("unchecked")
        Map<String, String> suspended = (Map<String, String>) down.getDetails().get("suspended");
        assertThat(suspended).containsEntry("jukibus.inbound.transfer-in",
                "suspended since 2026-12-05T18:00:00Z by OUTBOX_UNWRITABLE, 0 message(s) tried since");
    }
}
