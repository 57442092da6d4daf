package org.jukibus.monitoring;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code jukibus.monitoring.*}: how often nodes report to central and when central calls a node
 * silent. The routes read the intervals as placeholders with the same defaults; they are bound
 * here as well so that a bad value stops the node at start and the keys are documented in one place.
 */
@ConfigurationProperties("jukibus.monitoring")
public class MonitoringProperties {

    /** How often a node sends its heartbeat (routes/common/heartbeat.yaml). */
    private Duration heartbeatInterval = Duration.ofSeconds(60);
    /** A heartbeat not yet forwarded to central after this long expires in the outbound queue. */
    private Duration heartbeatTtl = Duration.ofMinutes(5);
    /** How often central checks every node's status (routes/central/node-status.yaml). */
    private Duration checkInterval = Duration.ofSeconds(30);
    /** A node central has not heard from for longer than this is SILENT. */
    private Duration silenceAfter = Duration.ofMinutes(3);
    /** A node's episode of security events ends when its heartbeats add none for this long (StatusBoard). */
    private Duration securityQuietAfter = Duration.ofHours(1);

    public Duration getHeartbeatInterval() { return heartbeatInterval; }
    public void setHeartbeatInterval(Duration heartbeatInterval) { this.heartbeatInterval = heartbeatInterval; }
    public Duration getHeartbeatTtl() { return heartbeatTtl; }
    public void setHeartbeatTtl(Duration heartbeatTtl) { this.heartbeatTtl = heartbeatTtl; }
    public Duration getCheckInterval() { return checkInterval; }
    public void setCheckInterval(Duration checkInterval) { this.checkInterval = checkInterval; }
    public Duration getSilenceAfter() { return silenceAfter; }
    public void setSilenceAfter(Duration silenceAfter) { this.silenceAfter = silenceAfter; }
    public Duration getSecurityQuietAfter() { return securityQuietAfter; }
    public void setSecurityQuietAfter(Duration securityQuietAfter) { this.securityQuietAfter = securityQuietAfter; }
}
