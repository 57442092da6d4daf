package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

/** Issue 14 D: the node's dead letter (with its reason) always comes before the broker's own move (without one). */
class RedeliveryPolicyTest {

    @Test
    void the_broker_limit_must_lie_above_the_nodes_on_every_queue_or_be_none() {
        Map<String, AddressSettings> broker = Map.of("jukibus.inbound.transfer-in", new AddressSettings().setMaxDeliveryAttempts(10),
                "jukibus.outbound", new AddressSettings().setMaxDeliveryAttempts(-1));

        assertThat(RedeliveryPolicy.violations(broker, 8, 8, WINDOW)).isEmpty();
        assertThat(RedeliveryPolicy.violations(broker, 9, 8, WINDOW)).isEmpty();
        assertThat(RedeliveryPolicy.violations(broker, 10, 8, WINDOW)).containsExactly("jukibus.inbound.transfer-in (10)");
        assertThat(RedeliveryPolicy.violations(broker, 12, 8, WINDOW)).containsExactly("jukibus.inbound.transfer-in (10)");
        assertThat(RedeliveryPolicy.violations(broker, 0, 8, WINDOW)).hasSize(2);
    }

    @Test
    void a_node_whose_transient_failures_wait_by_time_needs_a_broker_that_moves_a_message_only_after_that_time() {
        Map<String, AddressSettings> broker = Map.of(
                "jukibus.inbound.transfer-in", new AddressSettings().setMaxDeliveryAttempts(100_000).setMaxRedeliveryDelay(30_000),
                "jukibus.inbound.receipt", new AddressSettings().setMaxDeliveryAttempts(10_000).setMaxRedeliveryDelay(30_000),
                "jukibus.outbound", new AddressSettings().setMaxDeliveryAttempts(-1));

        assertThat(RedeliveryPolicy.violations(broker, -1, 8, WINDOW))
                .as("10,000 attempts 30 s apart are 3.5 days, well within a 30-day window")
                .containsExactly("jukibus.inbound.receipt (10000)");
        assertThat(RedeliveryPolicy.violations(broker, -1, 8, Duration.ofDays(60)))
                .as("a longer window needs a longer backstop").hasSize(2);
    }

    @Test
    void a_node_whose_transient_failures_wait_by_time_still_counts_a_bugs_attempts_and_needs_a_broker_limit_above_them() {
        Map<String, AddressSettings> broker = Map.of(
                "jukibus.inbound.transfer-in", new AddressSettings().setMaxDeliveryAttempts(5).setMaxRedeliveryDelay(Duration.ofDays(30).toMillis()),
                "jukibus.inbound.receipt", new AddressSettings().setMaxDeliveryAttempts(100_000).setMaxRedeliveryDelay(30_000));

        assertThat(RedeliveryPolicy.violations(broker, -1, 8, WINDOW))
                .as("5 attempts a month apart outlast the window, but the broker moves a bug's message before the node's 8th attempt")
                .containsExactly("jukibus.inbound.transfer-in (5)");
        assertThat(RedeliveryPolicy.violations(broker, -1, 4, WINDOW)).isEmpty();
        assertThat(RedeliveryPolicy.violations(broker, -1, 5, WINDOW)).containsExactly("jukibus.inbound.transfer-in (5)");
    }

    static final Duration WINDOW = Duration.ofDays(30);
}
