package org.jukibus.monitoring;

import java.util.List;

import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * The {@code node-status} flow on a prefecture, municipal or liaison node: central's alert goes
 * into {@code legacy/outbox/node-status/} like any delivered payload, and into the node's log at
 * WARN, where an operator watching the log sees it without a legacy system.
 */
public final class NodeStatusAlerts implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(NodeStatusAlerts.class);
    private static final XmlMapper XML = new XmlMapper();

    @Override
    public List<String> flows() {
        return List.of(MonitoringFlows.NODE_STATUS.name());
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        outbox.write(message);
        NodeStatusAlert alert = XML.readValue(message.payload(), NodeStatusAlert.class);
        log.warn("NODE STATUS from {}: node {} ({}) {} since {}: {}", message.header().sender(), alert.node(),
                alert.role(), alert.status(), alert.since(), alert.detail());
    }
}
