package org.jukibus.core;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * One of a node's own MBeans ({@code org.jukibus:node=<code>,type=<type>}) in the platform MBean server, which Hawtio
 * and Jolokia read: registered under the node's code so that several nodes in one JVM (tests, the demo) each have
 * theirs, and unregistered when the node stops.
 */
public final class NodeMBean implements AutoCloseable {

    private final ObjectName name;
    private boolean registered;

    private NodeMBean(ObjectName name) {
        this.name = name;
        this.registered = true;
    }

    /** {@code org.jukibus:node=<node>,type=<type>}. */
    public static ObjectName name(String node, String type) {
        try {
            return new ObjectName("org.jukibus:node=" + node + ",type=" + type); // codes are [0-9a-z]
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Registers {@code implementation} as {@code name}, exposing the operations of {@code operations} only. */
    public static <T> NodeMBean register(ObjectName name, T implementation, Class<T> operations) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // left over from a node of the same code that did not close cleanly
        }
        server.registerMBean(new DescribedMBean<>(implementation, operations), name);
        return new NodeMBean(name);
    }

    @Override
    public synchronized void close() throws JMException {
        if (registered) {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            registered = false;
        }
    }
}
