package org.jukibus.monitoring;

import java.util.List;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowPackage;

import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;

/** The two flows of node status monitoring (稼働状況の監視, 第4の7(3)). */
public final class MonitoringFlows extends FlowPackage {

    /**
     * Heartbeats: every node except central → central (found in the directory by its role). Made
     * by the node itself on a timer, never from a legacy file; no receipt (the next heartbeat is
     * the confirmation that the node is alive). Monitoring traffic: central keeps no evidence of it.
     */
    public static final FlowDefinition HEARTBEAT = new FlowDefinition(
            "heartbeat", NodeHeartbeat.TYPE, "Node", null, NodeRole.CENTRAL, false, BusinessKey.CONTENT, true);

    /**
     * Alerts: central → a node's prefecture and the node itself. The recipient's role varies
     * (prefecture, municipal, liaison), so the definition names none; alerts are made by central,
     * never from a legacy file. No receipt. The alert's Node is the node it is about, not its
     * recipient (a prefecture gets its municipalities' alerts), so no payload element is checked
     * against the envelope's parties. Monitoring traffic: the recipient keeps no evidence of it.
     */
    public static final FlowDefinition NODE_STATUS = new FlowDefinition(
            "node-status", NodeStatusAlert.TYPE, null, null, null, false, BusinessKey.CONTENT, true);

    /**
     * Node properties that switch monitoring off on a node: no heartbeats, and on central no
     * status check. For test networks that count queue depths and broker traffic, which
     * heartbeats to a central that is not running would add to.
     */
    public static final java.util.Map<String, Object> SWITCHED_OFF = java.util.Map.of(
            "jukibus.flows." + HEARTBEAT.name() + ".enabled", "false",
            "jukibus.flows." + NODE_STATUS.name() + ".enabled", "false");

    /** Whether a broker address carries monitoring traffic (a peer's heartbeats, central's alerts). */
    public static boolean isMonitoringAddress(String address) {
        return address.equals(HEARTBEAT.inboundAddress()) || address.equals(NODE_STATUS.inboundAddress());
    }

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public MonitoringFlows() {
        super(List.of(HEARTBEAT, NODE_STATUS),
                List.of(PayloadType.of("NodeHeartbeat", "node-heartbeat.xsd", "urn:jukibus:node-heartbeat:1"),
                        PayloadType.of("NodeStatusAlert", "node-status-alert.xsd", "urn:jukibus:node-status:1")),
                List.of(MonitoringConfiguration.class));
    }
}
