package org.jukibus.flow.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Settings a Camel timer reads take only the form Camel and Spring read alike; nonsense names the setting. */
class IdentityPropertiesTest {

    private final IdentityProperties properties = new IdentityProperties();

    @Test
    void intervals_in_camel_form_are_taken() {
        properties.setCheckInterval("30s");
        properties.getErasure().setInterval("2h");

        assertThat(properties.getCheckInterval()).isEqualTo("30s");
        assertThat(properties.getErasure().getInterval()).isEqualTo("2h");
    }

    @Test
    void an_iso_duration_is_refused_naming_the_setting() {
        assertThatThrownBy(() -> properties.setCheckInterval("PT1M"))
                .hasMessage("jukibus.identity.check-interval must be a number with ms, s, m or h (10s, 1m), not 'PT1M'");
        assertThatThrownBy(() -> properties.getErasure().setInterval("0s"))
                .hasMessageContaining("jukibus.identity.erasure.interval");
    }

    @Test
    void a_batch_size_below_one_is_refused() {
        assertThatThrownBy(() -> properties.setBatchSize(0)).hasMessageContaining("jukibus.identity.batch-size");
    }
}
