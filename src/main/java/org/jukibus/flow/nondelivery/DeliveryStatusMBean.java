package org.jukibus.flow.nondelivery;

import javax.management.ObjectName;

import org.jukibus.core.NodeMBean;
import org.jukibus.core.NodeMBeanBase;

/** The node's {@code DeliveryStatus} MBean: read-only counts from {@link SentMessages}. */
public final class DeliveryStatusMBean extends NodeMBeanBase<DeliveryStatusOperations> implements DeliveryStatusOperations {

    private final SentMessages sent;

    public DeliveryStatusMBean(String node, SentMessages sent) {
        super(node, "DeliveryStatus", DeliveryStatusOperations.class);
        this.sent = sent;
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
        registerAs(this);
        return this;
    }
}
