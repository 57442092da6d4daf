package org.jukibus.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The settings only the routes read are refused at start when out of range, each named with its range. */
class RouteSettingsTest {

    @Test
    void a_negative_or_zero_receive_timeout_is_refused_naming_the_setting_and_its_range() {
        assertThatThrownBy(() -> RouteSettings.check(Map.of("jukibus.delivery.receive-timeout", "-1")::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jukibus.delivery.receive-timeout must be 100 to 60000 milliseconds, not -1");
        assertThatThrownBy(() -> RouteSettings.check(Map.of("jukibus.delivery.receive-timeout", "0")::get))
                .hasMessageContaining("jukibus.delivery.receive-timeout");
        assertThatThrownBy(() -> RouteSettings.check(Map.of("jukibus.delivery.receive-timeout", "-3s")::get))
                .hasMessageContaining("jukibus.delivery.receive-timeout must be 100 to 60000 milliseconds, not -3s");
        assertThatThrownBy(() -> RouteSettings.check(Map.of("jukibus.delivery.receive-timeout", "PT3S")::get))
                .hasMessageContaining("jukibus.delivery.receive-timeout must be a whole number of milliseconds (or with ms, s or m),"
                        + " 100 to 60000 milliseconds, not 'PT3S'");
    }

    @Test
    void every_setting_out_of_range_is_named_at_once() {
        Map<String, String> wrong = Map.of(
                "jukibus.delivery.consumers", "0",
                "jukibus.legacy.poll-delay", "-5",
                "jukibus.legacy.intake-threads", "1000",
                "jukibus.trust.publish-poll", "0",
                "jukibus.monitoring.check-interval", "PT30S",
                "jukibus.trust.crl-renewal.check-interval", "0s",
                "jukibus.monitoring.heartbeat-interval", "PT1M");
        assertThatThrownBy(() -> RouteSettings.check(wrong::get))
                .hasMessageContaining("jukibus.delivery.consumers must be 1 to 64, not 0")
                .hasMessageContaining("jukibus.legacy.poll-delay must be 10 to 3600000 milliseconds, not -5")
                .hasMessageContaining("jukibus.legacy.intake-threads must be 1 to 64, not 1000")
                .hasMessageContaining("jukibus.trust.publish-poll must be 10 to 3600000 milliseconds, not 0")
                .hasMessageContaining("jukibus.monitoring.check-interval must be a number with ms, s, m or h")
                .hasMessageContaining("jukibus.trust.crl-renewal.check-interval must be a number with ms, s, m or h")
                .hasMessageContaining("jukibus.monitoring.heartbeat-interval must be a number with ms, s, m or h");
    }

    @Test
    void the_defaults_unset_and_sensible_values_pass() {
        assertThatCode(() -> RouteSettings.check(k -> null)).doesNotThrowAnyException();
        assertThatCode(() -> RouteSettings.check(Map.of("jukibus.delivery.receive-timeout", "3000",
                "jukibus.delivery.consumers", "4", "jukibus.legacy.poll-delay", "1000", "jukibus.trust.publish-poll", "2000",
                "jukibus.monitoring.check-interval", "1s", "jukibus.trust.crl-renewal.check-interval", "1h")::get))
                .doesNotThrowAnyException();
        assertThatCode(() -> RouteSettings.check(Map.of("jukibus.delivery.receive-timeout", "3s",
                "jukibus.legacy.poll-delay", "500ms", "jukibus.monitoring.heartbeat-interval", "60s")::get))
                .doesNotThrowAnyException();
    }
}
