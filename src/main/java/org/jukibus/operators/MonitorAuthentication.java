package org.jukibus.operators;

import java.util.List;

import org.jukibus.pki.MonitorIdentity;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A monitoring system authenticated by its certificate alone ({@link MonitorLogin}): its one authority,
 * {@value #METRICS}, opens {@code /actuator/prometheus} and nothing else; it is no operator.
 */
public final class MonitorAuthentication extends AbstractAuthenticationToken {

    /** The authority of a monitoring certificate: reading the metrics. */
    public static final String METRICS = "metrics";

    private final MonitorIdentity monitor;

    public MonitorAuthentication(MonitorIdentity monitor, Object details) {
        super(List.of(new SimpleGrantedAuthority(METRICS)));
        this.monitor = monitor;
        setDetails(details);
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return monitor.id();
    }

    @Override
    public String getName() {
        return "monitor:" + monitor.id();
    }
}
