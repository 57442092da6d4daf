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

    /** Every message any producer ever sent to one address of this broker since it started (0 when there is no such address). */
    public static long messagesReceived(ActiveMQServer server, String address) {
        AddressInfo info = server.getPostOffice().getAddressInfo(SimpleString.of(address));
        return info == null ? 0 : info.getRoutedMessageCount() + info.getUnRoutedMessageCount();
    }

    /** Messages waiting in one queue now. */
    public static long depth(ActiveMQServer server, String queue) {
        var q = server.locateQueue(SimpleString.of(queue));
        return q == null ? -1 : q.getMessageCount();
    }
}
