package org.jukibus.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 受領通知 (receipt): the recipient node confirms it delivered a message to its legacy system.
 * Schema: {@code schemas/receipt.xsd}.
 *
 * @param receivedMessageId envelope MessageId of the delivered message
 * @param receivedAt        when it was delivered, xs:dateTime with zone (e.g. {@code 2026-04-01T09:00:00Z})
 * @param recipient         code of the node that received it
 * @param status            always {@code DELIVERED}
 * @param noticeId          the notice's legacy reference, optional
 * @param envelopeDigest    SHA-256 (hex) of the envelope as the recipient received it, optional (a receipt from an
 *                          older node has none): the sender checks it against what it sent; later, the signed
 *                          receipt (kept in the sender's evidence store) and the envelope (kept in the recipient's)
 *                          show together that it answers exactly that envelope (evidence.EvidenceStore). The sender
 *                          does not keep its own copy of the envelope beyond the outage window
 */
@JacksonXmlRootElement(localName = "Receipt", namespace = Receipt.NS)
@JsonPropertyOrder({"ReceivedMessageId", "ReceivedAt", "Recipient", "Status", "NoticeId", "EnvelopeDigest"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Receipt(
        @JacksonXmlProperty(localName = "ReceivedMessageId", namespace = NS) String receivedMessageId,
        @JacksonXmlProperty(localName = "ReceivedAt", namespace = NS) String receivedAt,
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlProperty(localName = "Status", namespace = NS) String status,
        @JacksonXmlProperty(localName = "NoticeId", namespace = NS) String noticeId,
        @JacksonXmlProperty(localName = "EnvelopeDigest", namespace = NS) String envelopeDigest) {

    public static final String NS = "urn:jukibus:receipt:1";
    public static final String TYPE = "Receipt";
    public static final String DELIVERED = "DELIVERED";
}
