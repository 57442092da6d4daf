package org.jukibus.flow.changeinfo;

import org.jukibus.core.TimerIntervals;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code jukibus.change-info.*} on central: how often and how much of the identity records it reads for
 * the change info (異動等情報). The route reads the interval as a placeholder with the same default; it is
 * bound here as well so that a bad value stops the node at start.
 */
@ConfigurationProperties("jukibus.change-info")
public class ChangeInfoProperties {

    /** How often central looks for new identity records (routes/central/change-info.yaml): {@code 60s}, {@code 1m}. */
    private String interval = "60s";
    /** At most this many identity records per change-info message. */
    private int batchSize = 500;

    public String getInterval() { return interval; }
    public void setInterval(String interval) { this.interval = TimerIntervals.require("jukibus.change-info.interval", interval); }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("jukibus.change-info.batch-size must be 1..10000 (the schema's limit), not " + batchSize);
        }
        this.batchSize = batchSize;
    }
}
