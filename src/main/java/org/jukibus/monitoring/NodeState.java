package org.jukibus.monitoring;

/** What central makes of a node (node_status.state). */
public enum NodeState {
    /** No heartbeat since central first listed the node; not yet silent for long enough to say so. */
    UNKNOWN,
    /** Heartbeats arrive and say UP. */
    OK,
    /** No heartbeat for longer than {@code jukibus.monitoring.silence-after}. */
    SILENT,
    /** Heartbeats arrive and say DOWN. */
    UNHEALTHY
}
