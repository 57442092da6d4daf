package org.jukibus.monitoring;

import java.time.Instant;

/**
 * One row of central's {@code node_status} table: the node's last heartbeat (summary) and the
 * state central derived from it. Times are central's clock except {@code lastSentAt}.
 */
public record NodeStatusRow(String node, String role, NodeState state, Instant stateSince,
                            Instant lastHeartbeatAt, Instant lastSentAt, Instant resumedAt,
                            String health, Instant healthSince, String components,
                            Long outboundDepth, Long inboundDepth, Long deadLetters, Long diskFreeBytes,
                            Instant certificateNotAfter, Long loginsRefused, Long permissionsDenied,
                            Long messagesRefused) {

    public boolean up() {
        return NodeHeartbeat.UP.equals(health);
    }
}
