package org.jukibus.flow.nondelivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 不達通知 (non-delivery notice): the recipient node tells the sender that it dead-lettered a message
 * instead of delivering it. Only the reason code and a fixed text for it travel, never the refused
 * message's content or the exception's message (either may name a person). Schema:
 * {@code schemas/non-delivery.xsd}.
 *
 * @param messageId      envelope MessageId of the dead-lettered message
 * @param flow           its flow
 * @param recipient      the node that dead-lettered it (the notice's sender)
 * @param reasonCode     the dead letter's reason, e.g. {@code UNKNOWN_PERSON}
 * @param detail         a short text for the reason code, no personal data
 * @param deadLetteredAt when it was dead-lettered
 */
@JacksonXmlRootElement(localName = NonDeliveryNotice.TYPE, namespace = NonDeliveryNotice.NS)
@JsonPropertyOrder({"MessageId", "Flow", "Recipient", "ReasonCode", "Detail", "DeadLetteredAt"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NonDeliveryNotice(
        @JacksonXmlProperty(localName = "MessageId", namespace = NS) String messageId,
        @JacksonXmlProperty(localName = "Flow", namespace = NS) String flow,
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlProperty(localName = "ReasonCode", namespace = NS) String reasonCode,
        @JacksonXmlProperty(localName = "Detail", namespace = NS) String detail,
        @JacksonXmlProperty(localName = "DeadLetteredAt", namespace = NS) String deadLetteredAt) {

    public static final String NS = "urn:jukibus:non-delivery:1";
    public static final String TYPE = "NonDeliveryNotice";
    public static final String SCHEMA = "non-delivery.xsd";
}
