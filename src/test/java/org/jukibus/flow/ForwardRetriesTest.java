package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
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
}
