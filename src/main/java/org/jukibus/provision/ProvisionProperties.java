package org.jukibus.provision;

import java.time.Duration;
import java.time.Period;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code jukibus.provision.*} on prefecture and central nodes: the provision channel for requesters (国の機関等) and
 * how long the provision log is kept.
 *
 * @param port                the HTTPS port of the provision channel; unset (the default) keeps the channel off,
 *                            0 takes a free port (tests)
 * @param address             the address it listens on (default loopback; set the interface requesters reach)
 * @param logRetention        provision-log entries older than this are erased (第6の8(5)ウ); the standard leaves the
 *                            period to "as long as needed" for disclosure requests: default 7 years ({@code 7y}, {@code P7Y})
 * @param logErasureInterval  how often the erasure job runs (default {@code 1h}; it also runs at start)
 * @param limits              per-requester limits ({@link ProvisionLimits})
 */
@ConfigurationProperties("jukibus.provision")
public record ProvisionProperties(Integer port, @DefaultValue("127.0.0.1") String address,
                                  @DefaultValue("7y") Period logRetention, @DefaultValue("1h") Duration logErasureInterval,
                                  @DefaultValue Limits limits) {

    /**
     * {@code jukibus.provision.limits.*}; 0 turns a limit off.
     *
     * @param perMinute queries a requester may make in a minute
     * @param perDay    persons a requester may ask for in 24 hours without a bulk approval
     */
    public record Limits(@DefaultValue("60") int perMinute, @DefaultValue("1000") int perDay) {
        public Limits {
            if (perMinute < 0 || perDay < 0) {
                throw new IllegalArgumentException("jukibus.provision.limits.per-minute and per-day must be 0 (off) or "
                        + "more, not " + perMinute + " and " + perDay);
            }
        }
    }

    public ProvisionProperties {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("jukibus.provision.port must be a TCP port (0-65535), not " + port);
        }
        if (logRetention.isNegative() || logRetention.isZero()) {
            throw new IllegalArgumentException("jukibus.provision.log-retention must be positive, not " + logRetention);
        }
        if (logErasureInterval.isNegative() || logErasureInterval.isZero()) {
            throw new IllegalArgumentException("jukibus.provision.log-erasure-interval must be positive, not " + logErasureInterval);
        }
    }
}
