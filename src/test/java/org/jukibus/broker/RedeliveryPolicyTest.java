package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

/** Issue 14 D: the node's dead letter (with its reason) always comes before the broker's own move (without one). */
class RedeliveryPolicyTest {

    @Test
    void the_broker_limit_must_lie_above_the_nodes_on_every_queue_or_be_none() {
        Map<String, AddressSettings> broker = Map.of("jukibus.inbound.transfer-in", new AddressSettings().setMaxDeliveryAttempts(10),
                "jukibus.outbound", new AddressSettings().setMaxDeliveryAttempts(-1));

        assertThat(RedeliveryPolicy.violations(broker, 8)).isEmpty();
        assertThat(RedeliveryPolicy.violations(broker, 9)).isEmpty();
        assertThat(RedeliveryPolicy.violations(broker, 10)).containsExactly("jukibus.inbound.transfer-in (10)");
        assertThat(RedeliveryPolicy.violations(broker, 12)).containsExactly("jukibus.inbound.transfer-in (10)");
        assertThat(RedeliveryPolicy.violations(broker, 0)).hasSize(2);
    }

    @Test
    void a_node_whose_transient_failures_wait_for_ever_needs_a_broker_that_never_moves_a_message() {
        Map<String, AddressSettings> broker = Map.of("jukibus.inbound.transfer-in", new AddressSettings().setMaxDeliveryAttempts(10_000),
                "jukibus.outbound", new AddressSettings().setMaxDeliveryAttempts(-1));

        assertThat(RedeliveryPolicy.violations(broker, -1)).containsExactly("jukibus.inbound.transfer-in (10000)");
        assertThat(RedeliveryPolicy.violations(Map.of("jukibus.outbound", new AddressSettings().setMaxDeliveryAttempts(-1)), -1))
                .isEmpty();
    }
}
