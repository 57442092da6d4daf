package org.jukibus.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 稼働状況の通知 (node status alert): central tells a node's prefecture and the node itself that
 * the node's status changed, standard 第4の7(3) ("notifies the prefecture and municipality as
 * needed"). Schema: {@code schemas/node-status-alert.xsd}.
 *
 * @param node            the node whose status changed
 * @param role            its role id
 * @param status          {@code SILENT}, {@code UNHEALTHY}, {@code RECOVERED} or {@code SECURITY_EVENTS}
 * @param since           when that status began (xs:dateTime with zone)
 * @param lastHeartbeatAt when central last heard from the node, absent when never
 * @param detail          what central saw, for the operator
 */
@JacksonXmlRootElement(localName = "NodeStatusAlert", namespace = NodeStatusAlert.NS)
@JsonPropertyOrder({"Node", "Role", "Status", "Since", "LastHeartbeatAt", "Detail"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatusAlert(
        @JacksonXmlProperty(localName = "Node", namespace = NS) String node,
        @JacksonXmlProperty(localName = "Role", namespace = NS) String role,
        @JacksonXmlProperty(localName = "Status", namespace = NS) String status,
        @JacksonXmlProperty(localName = "Since", namespace = NS) String since,
        @JacksonXmlProperty(localName = "LastHeartbeatAt", namespace = NS) String lastHeartbeatAt,
        @JacksonXmlProperty(localName = "Detail", namespace = NS) String detail) {

    /** XML namespace of the alert. */
    public static final String NS = "urn:jukibus:node-status:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "NodeStatusAlert";
}
