package org.jukibus.audit;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The node's operation log ({@code jukibus.audit.*}). There is no switch to turn it off: the standard requires
 * it (第4の4(6)).
 */
@ConfigurationProperties("jukibus.audit")
public class AuditProperties {

    /** Where the log is kept; {@code ${jukibus.home}/audit} unless set. */
    private Path dir;
    /** How often the node seals the log (signs the chain head), if anything was added since the last seal; also at shutdown. */
    private Duration sealInterval = Duration.ofMinutes(5);
    /** A log file that would grow past this many bytes is followed by a new one (besides a new file each UTC day). */
    private long maxFileBytes = 64L * 1024 * 1024;
    /**
     * How far the node's clock (its offset included) may be before the log's last entry when the node starts; further
     * behind, the node does not start (see {@link ClockAtStart}).
     */
    private Duration clockBehindTolerance = Duration.ofMinutes(5);
    /** Start even with the clock further behind the log's last entry than the tolerance: the clock was moved back on purpose. */
    private boolean acceptClockBehind;

    public Path getDir() { return dir; }
    public void setDir(Path dir) { this.dir = dir; }
    public Duration getSealInterval() { return sealInterval; }
    public void setSealInterval(Duration sealInterval) { this.sealInterval = sealInterval; }
    public long getMaxFileBytes() { return maxFileBytes; }
    public void setMaxFileBytes(long maxFileBytes) { this.maxFileBytes = maxFileBytes; }
    public Duration getClockBehindTolerance() { return clockBehindTolerance; }
    public void setClockBehindTolerance(Duration clockBehindTolerance) { this.clockBehindTolerance = clockBehindTolerance; }
    public boolean isAcceptClockBehind() { return acceptClockBehind; }
    public void setAcceptClockBehind(boolean acceptClockBehind) { this.acceptClockBehind = acceptClockBehind; }
}
