package org.jukibus.monitoring;

import org.jukibus.broker.BrokerStats;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 稼働状況の通知 (heartbeat): what a node reports about its own health to central, standard
 * 第4の7(3) and 第4の9(1)(3). Schema: {@code schemas/node-heartbeat.xsd}. Counts, sizes and times
 * only: nothing about any person.
 *
 * @param node                the sending node's code (must be the envelope's signer)
 * @param role                its role id ({@code municipal}, {@code prefecture}, {@code liaison})
 * @param sentAt              when it was made, xs:dateTime with zone
 * @param health              {@code UP} or {@code DOWN}: the node's {@code /actuator/health}
 * @param components          each health component (broker, routes, db, ...) with its status
 * @param queues              depth of each jukibus queue of the node's broker
 * @param deadLetters         messages in the node's dead-letter queue ({@code -1}: unknown)
 * @param diskFreeBytes       usable space on the file store of {@code jukibus.home} ({@code -1}: unknown)
 * @param certificateNotAfter when the node's certificate expires
 * @param securityEvents      refused logins, denied permissions and refused messages: totals since the node's store
 *                            began counting (or, from an earlier version, since the previous heartbeat)
 * @param trust               the directory serial and CRL in force at the node; null from a node that does not report it yet
 */
@JacksonXmlRootElement(localName = "NodeHeartbeat", namespace = NodeHeartbeat.NS)
@JsonPropertyOrder({"Node", "Role", "SentAt", "Health", "Components", "Queues", "DeadLetters", "DiskFreeBytes",
        "CertificateNotAfter", "SecurityEvents", "Trust"})
public record NodeHeartbeat(
        @JacksonXmlProperty(localName = "Node", namespace = NS) String node,
        @JacksonXmlProperty(localName = "Role", namespace = NS) String role,
        @JacksonXmlProperty(localName = "SentAt", namespace = NS) String sentAt,
        @JacksonXmlProperty(localName = "Health", namespace = NS) String health,
        @JacksonXmlProperty(localName = "Components", namespace = NS) Components components,
        @JacksonXmlProperty(localName = "Queues", namespace = NS) Queues queues,
        @JacksonXmlProperty(localName = "DeadLetters", namespace = NS) long deadLetters,
        @JacksonXmlProperty(localName = "DiskFreeBytes", namespace = NS) long diskFreeBytes,
        @JacksonXmlProperty(localName = "CertificateNotAfter", namespace = NS) String certificateNotAfter,
        @JacksonXmlProperty(localName = "SecurityEvents", namespace = NS) SecurityCounts securityEvents,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JacksonXmlProperty(localName = "Trust", namespace = NS) Trust trust) {

    /** XML namespace of the heartbeat. */
    public static final String NS = "urn:jukibus:node-heartbeat:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "NodeHeartbeat";
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";

    public NodeHeartbeat {
        components = components == null ? new Components(List.of()) : components;
        queues = queues == null ? new Queues(List.of()) : queues;
    }

    /** A heartbeat with these components and queues. */
    public NodeHeartbeat(String node, String role, String sentAt, String health, List<Component> components, List<Queue> queues,
                         long deadLetters, long diskFreeBytes, String certificateNotAfter, SecurityCounts securityEvents,
                         Trust trust) {
        this(node, role, sentAt, health, new Components(components), new Queues(queues), deadLetters, diskFreeBytes,
                certificateNotAfter, securityEvents, trust);
    }

    /** A heartbeat that does not report its trust (as from a node of an earlier version). */
    public NodeHeartbeat(String node, String role, String sentAt, String health, List<Component> components, List<Queue> queues,
                         long deadLetters, long diskFreeBytes, String certificateNotAfter, SecurityCounts securityEvents) {
        this(node, role, sentAt, health, components, queues, deadLetters, diskFreeBytes, certificateNotAfter, securityEvents, null);
    }

    /** The directory serial and CRL (number, next update) the node has in force. */
    @JsonPropertyOrder({"DirectorySerial", "CrlNumber", "CrlNextUpdate"})
    public record Trust(
            @JacksonXmlProperty(localName = "DirectorySerial", namespace = NS) long directorySerial,
            @JacksonXmlProperty(localName = "CrlNumber", namespace = NS) java.math.BigInteger crlNumber,
            @JacksonXmlProperty(localName = "CrlNextUpdate", namespace = NS) String crlNextUpdate) {
    }

    /**
     * The Components element. (A record holding an unwrapped list rather than a wrapped list on the
     * heartbeat: Jackson cannot read a wrapped list into a record's constructor.)
     */
    public record Components(
            @JacksonXmlElementWrapper(useWrapping = false)
            @JacksonXmlProperty(localName = "Component", namespace = NS) List<Component> items) {
        public Components {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** The Queues element. */
    public record Queues(
            @JacksonXmlElementWrapper(useWrapping = false)
            @JacksonXmlProperty(localName = "Queue", namespace = NS) List<Queue> items) {
        public Queues {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** One health component, as {@code /actuator/health} names it. */
    @JsonPropertyOrder({"Name", "Status"})
    public record Component(
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "Status", namespace = NS) String status) {
    }

    /** One queue of the node's broker and the messages waiting in it. */
    @JsonPropertyOrder({"Name", "Depth"})
    public record Queue(
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "Depth", namespace = NS) long depth) {
    }

    /**
     * Security events: totals since {@code countedSince}, when the node's store began counting (this version); from a
     * node of an earlier version, without {@code countedSince}, the events since its previous heartbeat. Central takes a
     * total's difference from the one it recorded last ({@link NodeStatusStore#recordHeartbeat}), so a heartbeat
     * dropped on the way loses no count. {@code messagesRefused}: messages dead-lettered for a security reason;
     * optional in the schema, so it reads as 0 from a node that does not report it yet.
     */
    @JsonPropertyOrder({"LoginsRefused", "PermissionsDenied", "MessagesRefused", "CountedSince"})
    public record SecurityCounts(
            @JacksonXmlProperty(localName = "LoginsRefused", namespace = NS) long loginsRefused,
            @JacksonXmlProperty(localName = "PermissionsDenied", namespace = NS) long permissionsDenied,
            @JacksonXmlProperty(localName = "MessagesRefused", namespace = NS) long messagesRefused,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JacksonXmlProperty(localName = "CountedSince", namespace = NS) String countedSince) {

        /** Counts since the previous heartbeat, as a node of an earlier version reports them. */
        public SecurityCounts(long loginsRefused, long permissionsDenied, long messagesRefused) {
            this(loginsRefused, permissionsDenied, messagesRefused, null);
        }

        public boolean any() {
            return loginsRefused > 0 || permissionsDenied > 0 || messagesRefused > 0;
        }

        /** True if these are totals since {@link #countedSince()}, not counts since the previous heartbeat. */
        public boolean totals() {
            return countedSince != null;
        }
    }

    /** Depth of one queue, or -1 when the heartbeat does not list it. */
    public long depth(String queue) {
        return queues.items().stream().filter(q -> q.name().equals(queue)).mapToLong(Queue::depth).findFirst().orElse(-1);
    }

    /**
     * Messages waiting to leave the node: its outbound queue and its parking queues together (a node of an earlier
     * version has none); -1 when the heartbeat lists no outbound queue.
     */
    public long outboundBacklog() {
        long outbound = depth(BrokerStats.OUTBOUND);
        return outbound < 0 ? -1 : outbound + Math.max(0, depth(BrokerStats.PARKED));
    }

    public boolean up() {
        return UP.equals(health);
    }
}
