package org.jukibus.monitoring;

import java.time.Instant;

/**
 * One row of central's {@code node_status} table: the node's last heartbeat (summary) and the
 * state central derived from it. Times are central's clock except {@code lastSentAt}. The trust and clock
 * columns are null until the node reports them; {@code clockOffsetMillis} is the node's clock minus central's at receipt.
 */
public record NodeStatusRow(String node, String role, NodeState state, Instant stateSince,
                            Instant lastHeartbeatAt, Instant lastSentAt, Instant resumedAt,
                            String health, Instant healthSince, String components,
                            Long outboundDepth, Long inboundDepth, Long deadLetters, Long diskFreeBytes,
                            Instant certificateNotAfter, Long loginsRefused, Long permissionsDenied,
                            Long messagesRefused, Long directorySerial, Long crlNumber, Instant crlNextUpdate,
                            Long clockOffsetMillis) {

    public boolean up() {
        return NodeHeartbeat.UP.equals(health);
    }
}
