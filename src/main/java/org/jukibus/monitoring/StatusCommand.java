package org.jukibus.monitoring;

import com.fasterxml.jackson.databind.JsonNode;

import org.jukibus.cli.Subcommand;
import org.jukibus.management.JolokiaClient;
import org.jukibus.management.OperatorLogin;
import org.jukibus.core.NodeRole;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jukibus status}: the status of every node of the network as central sees it (稼働状況の監視),
 * through central's management port as an operator: the {@code org.jukibus:node=<code>,type=NodeStatus}
 * MBean over Jolokia, the same one Hawtio's JMX tab shows.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every node's status as central sees it (through central's management port).")
public class StatusCommand extends Subcommand {

    @Mixin
    OperatorLogin login;

    @Option(names = "--events", paramLabel = "N", description = "Also show the latest N state changes and security reports.")
    Integer events;

    @Option(names = "--only", paramLabel = "CODE", description = "Only this node (its line and, with --events, its history).")
    String only;

    @Override
    protected int run() throws Exception {
        JolokiaClient central = login.client();
        JsonNode info = central.nodeInfo();
        if (!NodeRole.CENTRAL.id().equals(info.path("role").asText())) {
            throw new IllegalArgumentException(login.node() + " is the " + info.path("role").asText() + " node "
                    + info.path("code").asText() + ": node status is kept at central; give central's management URL");
        }
        String mbean = StatusBoard.objectName(info.path("code").asText()).toString();
        JsonNode list = central.exec(mbean, "list");
        String format = "%-8s %-10s %-9s %-24s %-24s %-6s %5s %8s %-20s %5s %5s %-20s %8s %s%n";
        out().printf(format, "NODE", "ROLE", "STATE", "SINCE", "LAST HEARTBEAT", "HEALTH", "DLQ", "OUTBOUND", "CERT EXPIRES",
                "DIR", "CRL", "CRL DUE", "CLOCK MS", "NAME");
        int shown = 0;
        for (JsonNode n : list) {
            if (only != null && !only.equals(n.path("code").asText())) {
                continue;
            }
            out().printf(format, n.path("code").asText(), n.path("role").asText(), n.path("state").asText(),
                    text(n, "since"), text(n, "lastHeartbeatAt"), text(n, "health"), text(n, "deadLetters"),
                    text(n, "outboundDepth"), text(n, "certificateNotAfter"), text(n, "directorySerial"), text(n, "crlNumber"),
                    text(n, "crlNextUpdate"), text(n, "clockOffsetMillis"), n.path("name").asText(""));
            shown++;
        }
        if (only != null && shown == 0) {
            throw new IllegalArgumentException("no node " + only + " in central's directory");
        }
        StringBuilder summary = new StringBuilder(list.size() + " node(s):");
        central.read(mbean, "StateCounts").fields()
                .forEachRemaining(f -> summary.append(' ').append(f.getKey()).append(' ').append(f.getValue().asLong()));
        out().println(summary);
        if (events != null) {
            out().println();
            out().printf("%-8s %-16s %-24s %s%n", "NODE", "STATUS", "AT", "DETAIL");
            for (JsonNode e : central.exec(mbean, "events", only == null ? "" : only, events)) {
                out().printf("%-8s %-16s %-24s %s%n", e.path("node").asText(), e.path("status").asText(), e.path("at").asText(),
                        e.path("detail").asText());
            }
        }
        out().flush();
        return 0;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }
}
