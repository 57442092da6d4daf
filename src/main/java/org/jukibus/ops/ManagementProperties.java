package org.jukibus.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The node's management port ({@code jukibus.management.*}): where Hawtio, Jolokia and the
 * actuator endpoints listen, and which operators may log in. The port and address are applied as
 * {@code server.port} / {@code server.address} by {@link org.jukibus.node.NodeEnvironment}; they
 * are here so the keys are documented and bound in one place.
 */
@ConfigurationProperties("jukibus.management")
public class ManagementProperties {

    /** HTTP port of Hawtio, Jolokia and the actuator; 0 picks a free one (tests, demo). */
    private int port = 0;
    /** Address the management port binds to; loopback unless an operator decides otherwise. */
    private String address = "127.0.0.1";
    /**
     * Operators who may log in: user name to bcrypt hash ({@code jukibus operator hash-password}).
     * None configured means nobody can log in: there is deliberately no default password.
     */
    private Map<String, String> users = new LinkedHashMap<>();

    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public Map<String, String> getUsers() { return users; }
    public void setUsers(Map<String, String> users) { this.users = users; }
}
