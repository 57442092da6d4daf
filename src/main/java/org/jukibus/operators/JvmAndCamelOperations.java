package org.jukibus.operators;

import java.util.List;

import javax.management.ObjectName;

/**
 * The operations of MBeans other than the broker's that the management port does not offer to any operator, whatever
 * the permissions, because each one goes round a control the node has elsewhere:
 * <ul>
 *   <li>Camel's {@code send*} / {@code request*} (the context, producers, templates) put any bytes on any endpoint as
 *       the node itself: on {@code jukibus.outbound}, the dead-letter queue, an inbound queue, or a file;</li>
 *   <li>Camel's {@code browse*} on an endpoint (a JMS queue, the dead-letter queue) shows messages without the
 *       {@code dlq.read} check and the operation-log entry ({@code jukibus dlq show} has both);</li>
 *   <li>Camel's route (re)loading from XML/YAML and endpoint creation would run routes no officer approved
 *       (第4の8(1)イ, {@code approval/});</li>
 *   <li>the JVM's heap dump and diagnostic commands write the node's memory, with its private keys and the payloads
 *       in flight, to a file.</li>
 * </ul>
 */
final class JvmAndCamelOperations {

    private static final List<String> CAMEL_PREFIXES = List.of("send", "request", "browse", "addOrUpdateRoutes", "updateRoute",
            "createEndpoint", "removeEndpoints", "loadRoutes");

    private JvmAndCamelOperations() {
    }

    /** Why {@code operation} on {@code name} is refused, or null if it is not one of these. */
    static String refusal(ObjectName name, String operation) {
        if (name == null || operation == null) {
            return null;
        }
        String op = operation.contains("(") ? operation.substring(0, operation.indexOf('(')) : operation;
        String domain = name.getDomain();
        if ("org.apache.camel".equals(domain) && CAMEL_PREFIXES.stream().anyMatch(op::startsWith)) {
            return op.startsWith("browse")
                    ? "messages are read with their permission and an operation-log entry: jukibus dlq show, the DeadLetters MBean"
                    : "routes and messages come only from the approved programs and the drop folders, not from the management port";
        }
        if ("com.sun.management".equals(domain) && ("DiagnosticCommand".equals(name.getKeyProperty("type"))
                || ("HotSpotDiagnostic".equals(name.getKeyProperty("type")) && !op.startsWith("getVMOption")))) {
            return "the node's memory holds its private keys and messages in flight: no heap dump or diagnostic command";
        }
        return null;
    }
}
