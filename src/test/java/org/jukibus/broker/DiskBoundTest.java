package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.junit.jupiter.api.Test;

class DiskBoundTest {

    private static final Path SOURCE = Path.of("broker-config/municipal.xml");

    @Test
    void a_share_of_the_disk_no_bound_or_one_without_margin_is_refused_by_name() {
        // Artemis' own default (90% used) stops a node with 50 GB free on a 500 GB disk, as its alerts fire
        assertThatThrownBy(() -> DiskBound.require(withPlugin(), SOURCE))
                .hasMessageContaining("municipal.xml").hasMessageContaining("min-disk-free is unset (max-disk-usage is 90%)");
        assertThatThrownBy(() -> DiskBound.require(withPlugin().setMaxDiskUsage(-1).setMinDiskFree(-1), SOURCE))
                .hasMessageContaining("min-disk-free is unset");
        assertThatThrownBy(() -> DiskBound.require(withPlugin().setMaxDiskUsage(-1).setMinDiskFree(1024 * 1024), SOURCE))
                .hasMessageContaining("min-disk-free is 1048576 bytes");
    }

    @Test
    void a_bound_with_margin_but_without_the_refusal_plugin_is_refused() {
        assertThatThrownBy(() -> DiskBound.require(new ConfigurationImpl().setMaxDiskUsage(-1).setMinDiskFree(1L << 30), SOURCE))
                .hasMessageContaining("<broker-plugins> lacks org.jukibus.broker.DiskFullRefusal");
    }

    @Test
    void min_disk_free_decides_whatever_max_disk_usage_says() {
        assertThat(DiskBound.violation(withPlugin().setMaxDiskUsage(100).setMinDiskFree(1024L * 1024 * 1024))).isEmpty();
        assertThat(DiskBound.violation(withPlugin().setMaxDiskUsage(-1).setMinDiskFree(1024L * 1024 * 1024))).isEmpty();
    }

    private static ConfigurationImpl withPlugin() {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.registerBrokerPlugin(new DiskFullRefusal());
        return configuration;
    }
}
