package org.jukibus.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** L1: the log file is bounded in total, not only in age (Boot's default total-size-cap is none). */
class LogFileBoundTest {

    @Test
    void the_package_defaults_cap_the_log_files_well_below_the_broker_disk_bound_margin() throws Exception {
        Properties defaults = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            defaults.load(in);
        }
        String cap = defaults.getProperty("logging.logback.rollingpolicy.total-size-cap");
        assertThat(cap).as("total-size-cap").isNotNull();
        assertThat(DataSize.parse(cap).toBytes()).isPositive()
                .isLessThanOrEqualTo(1024L * 1024 * 1024 / 4); // a quarter of the broker's margin, min-disk-free 1GiB
        assertThat(DataSize.parse(defaults.getProperty("logging.logback.rollingpolicy.max-file-size")).toBytes())
                .isLessThan(DataSize.parse(cap).toBytes());
    }
}
