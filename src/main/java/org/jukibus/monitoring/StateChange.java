package org.jukibus.monitoring;

import java.time.Instant;

/**
 * A node's state changing, as the status check found it.
 *
 * @param node   the node
 * @param role   its role id
 * @param from   the state recorded so far
 * @param to     the state now
 * @param since  when the new state began: a time already recorded (last heartbeat, return, health
 *               change), never the time of the check, so a check repeated after a crash finds the
 *               same change and the alerts get the same ids
 * @param lastHeartbeatAt when central last heard from the node, or null
 * @param detail what central saw, for the operator
 */
public record StateChange(String node, String role, NodeState from, NodeState to, Instant since,
                          Instant lastHeartbeatAt, String detail) {

    /** The alert status this change is announced with, or null for none (a node heard for the first time). */
    public String alertStatus() {
        return switch (to) {
            case SILENT -> "SILENT";
            case UNHEALTHY -> "UNHEALTHY";
            case OK -> from == NodeState.UNKNOWN ? null : "RECOVERED";
            case UNKNOWN -> null;
        };
    }

    /** The status the history records: the alert's, or OK for a node heard for the first time. */
    public String eventStatus() {
        String alert = alertStatus();
        return alert != null ? alert : to.name();
    }
}
