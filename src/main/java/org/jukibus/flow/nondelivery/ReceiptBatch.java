package org.jukibus.flow.nondelivery;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 受領通知(一括) (receipt batch): one signed receipt for every message of one sender that the recipient node delivered
 * since its last batch. Ids, times and digests only, no personal data. Schema {@code schemas/receipt-batch.xsd}.
 *
 * @param recipient the node that delivered the messages and signs the batch
 * @param received  one entry per delivered message
 */
@JacksonXmlRootElement(localName = "ReceiptBatch", namespace = ReceiptBatch.NS)
@JsonPropertyOrder({"Recipient", "Received"})
public record ReceiptBatch(
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Received", namespace = NS) List<Received> received) {

    public static final String NS = "urn:jukibus:receipt-batch:1";
    public static final String TYPE = "ReceiptBatch";

    public ReceiptBatch {
        received = received == null ? List.of() : List.copyOf(received);
    }

    /**
     * One delivered message.
     *
     * @param messageId      its envelope MessageId
     * @param receivedAt     when it was delivered, xs:dateTime with zone
     * @param envelopeDigest SHA-256 (hex) of its envelope as the recipient received it; the sender checks it against
     *                       what it sent, as for a single receipt (flow.Receipt)
     */
    @JsonPropertyOrder({"MessageId", "ReceivedAt", "EnvelopeDigest"})
    public record Received(
            @JacksonXmlProperty(localName = "MessageId", namespace = NS) String messageId,
            @JacksonXmlProperty(localName = "ReceivedAt", namespace = NS) String receivedAt,
            @JacksonXmlProperty(localName = "EnvelopeDigest", namespace = NS) String envelopeDigest) {
    }
}
