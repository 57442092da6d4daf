package org.jukibus.flow.identity;

import java.time.Period;
import java.time.ZoneId;

import org.jukibus.core.TimerIntervals;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The identity flows' node settings, {@code jukibus.identity.*} (docs/configuration.md). */
@ConfigurationProperties("jukibus.identity")
public class IdentityProperties {

    /** Municipal node: the most records one identity update message carries; a larger legacy file is split. */
    private int batchSize = 1000;
    /** The zone erasure periods are counted in, and the operating calendar's when its file names none. */
    private ZoneId zone = ZoneId.of("Asia/Tokyo");
    /** How often the cut-off is checked: a Camel timer period ({@link TimerIntervals}). */
    private String checkInterval = "1m";
    /** Prefecture node: 委任都道府県 — forward the recorded records to central (第6の6(3)). */
    private boolean delegating = true;
    private final Erasure erasure = new Erasure();

    /** {@code jukibus.identity.erasure.*}: 第6の7. */
    public static class Erasure {
        /** How often the erasure job runs: a Camel timer period ({@link TimerIntervals}). */
        private String interval = "1h";
        /** Prefecture and central nodes: how long superseded and deleted records are kept (municipal: 5 years, fixed). */
        private Period retention = Period.ofYears(5);

        public String getInterval() { return interval; }
        public void setInterval(String interval) {
            this.interval = TimerIntervals.require("jukibus.identity.erasure.interval", interval);
        }
        public Period getRetention() { return retention; }
        public void setRetention(Period retention) { this.retention = retention; }
    }

    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("jukibus.identity.batch-size must be at least 1, not " + batchSize);
        }
        this.batchSize = batchSize;
    }
    public ZoneId getZone() { return zone; }
    public void setZone(ZoneId zone) { this.zone = zone; }
    public String getCheckInterval() { return checkInterval; }
    public void setCheckInterval(String checkInterval) {
        this.checkInterval = TimerIntervals.require("jukibus.identity.check-interval", checkInterval);
    }
    public boolean isDelegating() { return delegating; }
    public void setDelegating(boolean delegating) { this.delegating = delegating; }
    public Erasure getErasure() { return erasure; }
}
