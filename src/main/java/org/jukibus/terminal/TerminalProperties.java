package org.jukibus.terminal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code jukibus.terminal.*}: the counter terminal on a municipal node's management port.
 *
 * @param enabled        whether the node serves the terminal under {@code /terminal} (default true)
 * @param sessionTimeout how long a terminal session may stay idle before the operator must log in again (default 15 min)
 * @param inputTimeout   how long a task waits for the node's intake to take what the operator entered (default 30 s)
 */
@ConfigurationProperties("jukibus.terminal")
public record TerminalProperties(Boolean enabled, Duration sessionTimeout, Duration inputTimeout) {

    public TerminalProperties {
        enabled = enabled == null || enabled;
        sessionTimeout = sessionTimeout == null ? Duration.ofMinutes(15) : sessionTimeout;
        inputTimeout = inputTimeout == null ? Duration.ofSeconds(30) : inputTimeout;
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("jukibus.terminal.session-timeout must be positive, not " + sessionTimeout);
        }
    }
}
