package org.jukibus.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;

/** Counters read off a running broker, for the demo, tests and operators. */
public final class BrokerStats {

    private BrokerStats() {
    }

    /** Every message any producer ever sent to any address of this broker (routed or not) since it started. */
    public static long messagesReceived(ActiveMQServer server) {
        long total = 0;
        for (SimpleString address : server.getPostOffice().getAddresses()) {
            AddressInfo info = server.getPostOffice().getAddressInfo(address);
            if (info != null) {
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
