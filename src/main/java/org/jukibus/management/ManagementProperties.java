package org.jukibus.management;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The node's management port ({@code jukibus.management.*}): where Hawtio, Jolokia and the
 * actuator endpoints listen (who may log in: {@link org.jukibus.operators.OperatorsProperties}). The port and address are applied as
 * {@code server.port} / {@code server.address} by {@link org.jukibus.node.NodeEnvironment}; they
 * are here so the keys are documented and bound in one place.
 */
@ConfigurationProperties("jukibus.management")
public class ManagementProperties {

    /** HTTPS port of Hawtio, Jolokia and the actuator; 0 picks a free one (tests, demo). */
    private int port = 0;
    /** Address the management port binds to; loopback unless an operator decides otherwise. */
    private String address = "127.0.0.1";
    /**
     * Plain-HTTP port answering only the liveness and readiness probes ({@link ProbePort}), on {@link #address};
     * unset: no probe port; 0 picks a free one (tests).
     */
    private Integer probePort;

    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public Integer getProbePort() { return probePort; }
    public void setProbePort(Integer probePort) { this.probePort = probePort; }
}
