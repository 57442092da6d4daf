package org.jukibus.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;

/** Counters read off a running broker, for the demo, tests and operators. */
public final class BrokerStats {

    private BrokerStats() {
    }

    /**
     * Every message any producer ever sent to any address of this broker (routed or not) since it
     * started; the broker's own internal addresses (management notifications) are not counted.
     */
    public static long messagesReceived(ActiveMQServer server) {
        long total = 0;
        SimpleString notifications = server.getConfiguration().getManagementNotificationAddress();
        for (SimpleString address : server.getPostOffice().getAddresses()) {
            AddressInfo info = server.getPostOffice().getAddressInfo(address);
            if (info != null && !info.isInternal() && !address.equals(notifications)) {
                total += info.getRoutedMessageCount() + info.getUnRoutedMessageCount();
            }
        }
        return total;
    }

    /** Messages waiting in one queue now. */
    public static long depth(ActiveMQServer server, String queue) {
        var q = server.locateQueue(SimpleString.of(queue));
        return q == null ? -1 : q.getMessageCount();
    }
}
