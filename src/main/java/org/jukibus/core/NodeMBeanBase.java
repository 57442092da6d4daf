package org.jukibus.core;

import javax.management.JMException;

/**
 * The base of a node's own MBeans: the node's code ({@link #getNode()}, which every operations interface shows),
 * the registration as {@code org.jukibus:node=<code>,type=<type>} ({@link NodeMBean}) exposing the operations
 * interface only, and its removal when the node stops ({@link #close()}).
 *
 * @param <T> the operations interface the MBean exposes
 */
public abstract class NodeMBeanBase<T> implements AutoCloseable {

    private final String node;
    private final String type;
    private final Class<T> operations;
    private NodeMBean registration;

    protected NodeMBeanBase(String node, String type, Class<T> operations) {
        this.node = node;
        this.type = type;
        this.operations = operations;
    }

    public String getNode() {
        return node;
    }

    /** Registers {@code exposed} (this bean, or a guard around it) with the platform MBean server. */
    protected final synchronized void registerAs(T exposed) throws JMException {
        registration = NodeMBean.register(NodeMBean.name(node, type), exposed, operations);
    }

    @Override
    public synchronized void close() throws JMException {
        if (registration != null) {
            registration.close();
        }
    }
}
