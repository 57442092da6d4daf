package org.jukibus.flow.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * What the legacy system reads in {@code legacy/outbox/identity-update-reconciliation/} about one
 * identity update this node sent: whether the receiver confirmed it (OK), confirmed something else
 * (MISMATCH) or had not confirmed it by the cut-off (MISSING). See docs/legacy-files.md.
 */
@JacksonXmlRootElement(localName = "IdentityUpdateReconciliation", namespace = ReconciliationReport.NS)
@JsonPropertyOrder({"UpdateMessageId", "Recipient", "Outcome", "RecordsSent", "SentAt", "CheckedAt", "Detail"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReconciliationReport(
        @JacksonXmlProperty(localName = "UpdateMessageId", namespace = NS) String updateMessageId,
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlProperty(localName = "Outcome", namespace = NS) Outcome outcome,
        @JacksonXmlProperty(localName = "RecordsSent", namespace = NS) int recordsSent,
        @JacksonXmlProperty(localName = "SentAt", namespace = NS) String sentAt,
        @JacksonXmlProperty(localName = "CheckedAt", namespace = NS) String checkedAt,
        @JacksonXmlProperty(localName = "Detail", namespace = NS) String detail) {

    public static final String NS = "urn:jukibus:identity-update-reconciliation:1";
}
