package org.jukibus.flow.nondelivery;

import javax.management.ObjectName;

import org.jukibus.core.NodeMBean;

/** The node's {@code DeliveryStatus} MBean: read-only counts from {@link SentMessages}. */
public final class DeliveryStatusMBean implements DeliveryStatusOperations, AutoCloseable {

    private final String node;
    private final SentMessages sent;
    private NodeMBean mbean;

    public DeliveryStatusMBean(String node, SentMessages sent) {
        this.node = node;
        this.sent = sent;
    }

    @Override
    public String getNode() {
        return node;
    }

    @Override
    public int getOverdueMessages() {
        return sent.overdueCount();
    }

    public static ObjectName objectName(String node) {
        return NodeMBean.name(node, "DeliveryStatus");
    }

    /** Registers this node's MBean with the platform MBean server (which Hawtio and Jolokia read). */
    public DeliveryStatusMBean register() throws Exception {
        mbean = NodeMBean.register(objectName(node), this, DeliveryStatusOperations.class);
        return this;
    }

    @Override
    public void close() throws Exception {
        if (mbean != null) {
            mbean.close();
        }
    }
}
