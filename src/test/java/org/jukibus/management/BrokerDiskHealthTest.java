package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.jukibus.broker.DiskFullBrokers;
import org.jukibus.broker.NodeBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** The health component {@code brokerDisk}: DOWN while the broker is at its disk bound (it refuses every send there). */
class BrokerDiskHealthTest {

    @TempDir
    Path dir;

    @Test
    void down_at_the_disk_bound_up_with_room() throws Exception {
        try (NodeBroker full = DiskFullBrokers.start(DiskFullBrokers.fullDiskConfig(dir.resolve("config")), dir.resolve("full"), "s")) {
            HealthIndicator health = NodeHealth.brokerDisk(full);
            await().atMost(Duration.ofSeconds(20)).until(() -> health.health().getStatus().equals(Status.DOWN));
            assertThat(health.health().getDetails()).containsKeys("usableBytes", "minDiskFreeBytes");
        }
        try (NodeBroker shipped = DiskFullBrokers.start(Path.of("broker-config"), dir.resolve("room"), "s")) {
            HealthIndicator health = NodeHealth.brokerDisk(shipped);
            // the test machine has more than 1 GiB free; the first look comes after one scan period (5 s)
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                    .until(() -> health.health().getStatus().equals(Status.UP));
        }
    }
}
