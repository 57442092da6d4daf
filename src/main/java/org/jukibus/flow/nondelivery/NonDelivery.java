package org.jukibus.flow.nondelivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * The file {@code legacy/outbox/non-delivery/} gets for the sender's legacy system: a message it sent
 * was not delivered ({@link #NOT_DELIVERED}, from the recipient's {@link NonDeliveryNotice} or from this
 * node's own dead-letter queue) or has no receipt yet ({@link #OVERDUE}, a warning). Schema:
 * {@code schemas/non-delivery.xsd}, root {@code NonDelivery}.
 *
 * @param messageId  envelope MessageId of the message concerned (as in the transfer ledger and the receipt)
 * @param flow       its flow
 * @param recipient  the node it was addressed to
 * @param status     {@link #NOT_DELIVERED} or {@link #OVERDUE}
 * @param reportedBy {@link #BY_RECIPIENT} (a signed notice) or {@link #BY_SENDER} (this node)
 * @param reasonCode the dead letter's reason, or {@code OVERDUE}
 * @param detail     a short text for the reason, no personal data; optional
 * @param sentAt     when this node queued the message, if it recorded that; optional
 * @param reportedAt when the failure was found (dead-lettered, or found overdue)
 */
@JacksonXmlRootElement(localName = "NonDelivery", namespace = NonDeliveryNotice.NS)
@JsonPropertyOrder({"MessageId", "Flow", "Recipient", "Status", "ReportedBy", "ReasonCode", "Detail", "SentAt", "ReportedAt"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NonDelivery(
        @JacksonXmlProperty(localName = "MessageId", namespace = NonDeliveryNotice.NS) String messageId,
        @JacksonXmlProperty(localName = "Flow", namespace = NonDeliveryNotice.NS) String flow,
        @JacksonXmlProperty(localName = "Recipient", namespace = NonDeliveryNotice.NS) String recipient,
        @JacksonXmlProperty(localName = "Status", namespace = NonDeliveryNotice.NS) String status,
        @JacksonXmlProperty(localName = "ReportedBy", namespace = NonDeliveryNotice.NS) String reportedBy,
        @JacksonXmlProperty(localName = "ReasonCode", namespace = NonDeliveryNotice.NS) String reasonCode,
        @JacksonXmlProperty(localName = "Detail", namespace = NonDeliveryNotice.NS) String detail,
        @JacksonXmlProperty(localName = "SentAt", namespace = NonDeliveryNotice.NS) String sentAt,
        @JacksonXmlProperty(localName = "ReportedAt", namespace = NonDeliveryNotice.NS) String reportedAt) {

    public static final String NOT_DELIVERED = "NOT_DELIVERED";
    public static final String OVERDUE = "OVERDUE";
    public static final String BY_RECIPIENT = "RECIPIENT";
    public static final String BY_SENDER = "SENDER";
}
