package org.jukibus.monitoring;

import java.util.List;
import java.util.Map;

/**
 * Central's view of every node's status, as JMX sees it ({@code org.jukibus:node=<code>,type=NodeStatus}):
 * Hawtio's JMX tab shows it, {@code jukibus status} reads it through the node's Jolokia endpoint.
 *
 * <p>Registered explicitly as a {@link javax.management.StandardMBean} of this interface (not named
 * {@code ...MBean}), as the dead-letter MBean is, so Spring's exporter does not export it twice.
 */
public interface NodeStatusOperations {

    /** This (central) node's code. */
    String getNode();

    /** How many nodes are in each state (UNKNOWN, OK, SILENT, UNHEALTHY). */
    Map<String, Long> getStateCounts();

    /**
     * One entry per node of the directory: code, name, role, state, since, lastHeartbeatAt, health,
     * components, deadLetters, outboundDepth, inboundDepth, diskFreeBytes, certificateNotAfter.
     */
    List<Map<String, Object>> list();

    /** The latest {@code limit} state changes and security reports of a node (every node when empty), newest first. */
    List<Map<String, Object>> events(String node, int limit);
}
