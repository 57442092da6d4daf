package org.jukibus.monitoring;

import java.util.List;
import java.util.Map;

import org.jukibus.core.Description;
import org.jukibus.core.Param;

/**
 * Central's view of every node's status, as JMX sees it ({@code org.jukibus:node=<code>,type=NodeStatus}):
 * Hawtio's JMX tab shows it, {@code jukibus status} reads it through the node's Jolokia endpoint.
 *
 * <p>Registered explicitly as a {@link javax.management.StandardMBean} of this interface (not named
 * {@code ...MBean}), as the dead-letter MBean is, so Spring's exporter does not export it twice.
 */
public interface NodeStatusOperations {

    /** This (central) node's code. */
    @Description("This (central) node's code")
    String getNode();

    /** How many nodes are in each state (UNKNOWN, OK, SILENT, UNHEALTHY). */
    @Description("How many nodes are in each state (UNKNOWN, OK, SILENT, UNHEALTHY)")
    Map<String, Long> getStateCounts();

    /**
     * One entry per node of the directory: code, name, role, state, since, lastHeartbeatAt, health,
     * components, deadLetters, outboundDepth, inboundDepth, diskFreeBytes, certificateNotAfter.
     */
    @Description("Every node of the directory with its state, last heartbeat, health, queue depths, disk and certificate")
    List<Map<String, Object>> list();

    /** The latest {@code limit} state changes and security reports of a node (every node when empty), newest first. */
    @Description("The latest state changes and security reports of a node, newest first, with the ids of the alerts sent")
    List<Map<String, Object>> events(@Param(name = "node", value = "the node's code; empty for every node") String node,
                                     @Param(name = "limit", value = "how many, at most") int limit);
}
