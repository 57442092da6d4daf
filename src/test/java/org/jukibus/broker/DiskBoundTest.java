package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.junit.jupiter.api.Test;

class DiskBoundTest {

    private static final Path SOURCE = Path.of("broker-config/municipal.xml");

    @Test
    void artemis_default_bound_is_accepted_but_no_bound_or_one_without_margin_is_refused_by_name() {
        // Artemis' own default (90% used): a bound, with margin (the shipped files set min-disk-free, BrokerTemplateTest)
        DiskBound.require(new ConfigurationImpl(), SOURCE);

        assertThatThrownBy(() -> DiskBound.require(new ConfigurationImpl().setMaxDiskUsage(-1).setMinDiskFree(-1), SOURCE))
                .hasMessageContaining("municipal.xml").hasMessageContaining("no disk bound at all");
        assertThatThrownBy(() -> DiskBound.require(new ConfigurationImpl().setMaxDiskUsage(100), SOURCE))
                .hasMessageContaining("max-disk-usage is 100%");
        assertThatThrownBy(() -> DiskBound.require(new ConfigurationImpl().setMaxDiskUsage(-1).setMinDiskFree(1024 * 1024), SOURCE))
                .hasMessageContaining("min-disk-free is 1048576 bytes");
    }

    @Test
    void min_disk_free_decides_whatever_max_disk_usage_says() {
        assertThat(DiskBound.violation(new ConfigurationImpl().setMaxDiskUsage(100).setMinDiskFree(1024L * 1024 * 1024))).isEmpty();
        assertThat(DiskBound.violation(new ConfigurationImpl().setMaxDiskUsage(98))).isEmpty();
    }
}
