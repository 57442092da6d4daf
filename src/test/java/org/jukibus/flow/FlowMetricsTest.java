package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

class FlowMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Instant now = Instant.parse("2026-04-01T09:00:00Z");
    final FlowMetrics metrics = new FlowMetrics(registry, Clock.fixed(now, ZoneOffset.UTC), List.of("transfer-in", "receipt"));

    @Test
    void counters_exist_at_zero_for_every_flow() {
        assertThat(registry.get("jukibus.flow.sent").tag("flow", "receipt").counter().count()).isZero();
        assertThat(registry.get("jukibus.flow.received").tag("flow", "transfer-in").counter().count()).isZero();
    }

    @Test
    void delivery_counts_and_measures_latency_from_created_at() {
        metrics.received("transfer-in", now.minusMillis(1500));
        metrics.received("transfer-in", now.plusSeconds(2)); // a sender clock ahead counts as no latency

        var timer = registry.get("jukibus.flow.latency").tag("flow", "transfer-in").timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThat(registry.get("jukibus.flow.received").tag("flow", "transfer-in").counter().count()).isEqualTo(2);
    }

    @Test
    void failures_are_counted_by_flow_and_reason() {
        metrics.failed("transfer-in", "BAD_SIGNATURE");
        metrics.failed("transfer-in", "BAD_SIGNATURE");
        metrics.failed(null, "UNKNOWN_RECIPIENT");

        assertThat(registry.get("jukibus.flow.failed").tags("flow", "transfer-in", "reason", "BAD_SIGNATURE").counter().count()).isEqualTo(2);
        assertThat(registry.get("jukibus.flow.failed").tags("flow", "unknown", "reason", "UNKNOWN_RECIPIENT").counter().count()).isEqualTo(1);
    }
}
