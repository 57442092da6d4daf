package org.jukibus.broker;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

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
        return messagesReceived(server, address -> true);
    }

    /** The same, counted only on the addresses {@code counted} accepts (by name). */
    public static long messagesReceived(ActiveMQServer server, Predicate<String> counted) {
        long total = 0;
        SimpleString notifications = server.getConfiguration().getManagementNotificationAddress();
        for (SimpleString address : server.getPostOffice().getAddresses()) {
            AddressInfo info = server.getPostOffice().getAddressInfo(address);
            if (info != null && !info.isInternal() && !address.equals(notifications) && counted.test(address.toString())) {
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

    /**
     * Messages waiting now in each of the node's own queues ({@code jukibus.*}: outbound, dead
     * letters, every inbound queue), by name in name order; the broker's internal queues are left out.
     * The parking queues, one per peer that is down and one for the envelopes a peer's broker refused
     * ({@link NodeBroker#PARKED_PREFIX}), count as one,
     * {@value #PARKED}: central may hold one for each of ~1,741 municipalities.
     */
    public static Map<String, Long> jukibusQueueDepths(ActiveMQServer server) {
        Map<String, Long> depths = new TreeMap<>();
        for (String name : server.getActiveMQServerControl().getQueueNames()) {
            if (name.startsWith("jukibus.")) {
                long depth = depth(server, name);
                if (depth >= 0) {
                    depths.merge(name.startsWith(NodeBroker.PARKED_PREFIX) ? PARKED : name, depth, Long::sum);
                }
            }
        }
        return depths;
    }

    /** The parking queues together, in {@link #jukibusQueueDepths} and a heartbeat. */
    public static final String PARKED = "jukibus.parked";
    public static final String OUTBOUND = "jukibus.outbound";

    /**
     * Messages waiting to leave this node: those in the outbound queue and those parked for a peer that is down (they
     * go back to the outbound queue when it answers).
     */
    public static long outboundBacklog(ActiveMQServer server) {
        long backlog = Math.max(0, depth(server, OUTBOUND));
        for (String name : server.getActiveMQServerControl().getQueueNames()) {
            if (name.startsWith(NodeBroker.PARKED_PREFIX)) {
                backlog += Math.max(0, depth(server, name));
            }
        }
        return backlog;
    }

    /** Messages waiting in one queue now. */
    public static long depth(ActiveMQServer server, String queue) {
        var q = server.locateQueue(SimpleString.of(queue));
        return q == null ? -1 : q.getMessageCount();
    }
}
