package org.jukibus.flow.identity;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 更新件数リスト (update-count list), standard 第6の6(2)(4): the receiver of an identity update says what
 * it recorded, per change reason, and which records (by item number) it refused and why. Names no
 * person. Schema {@code schemas/update-count-list.xsd}.
 *
 * @param sender          the node that recorded (prefecture or central)
 * @param recipient       the node that sent the update
 * @param updateMessageId the identity update's message id
 * @param received        how many records the update carried
 * @param counts          per change reason present in the update: recorded and refused
 * @param refusals        every refused record
 */
@JacksonXmlRootElement(localName = "UpdateCountList", namespace = UpdateCountList.NS)
@JsonPropertyOrder({"Sender", "Recipient", "UpdateMessageId", "Received", "Count", "Refusal"})
public record UpdateCountList(
        @JacksonXmlProperty(localName = "Sender", namespace = NS) String sender,
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlProperty(localName = "UpdateMessageId", namespace = NS) String updateMessageId,
        @JacksonXmlProperty(localName = "Received", namespace = NS) int received,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Count", namespace = NS) List<Count> counts,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Refusal", namespace = NS) List<Refusal> refusals) {

    public static final String NS = "urn:jukibus:update-count-list:1";
    public static final String TYPE = "UpdateCountList";
    public static final String SCHEMA = "update-count-list.xsd";

    public UpdateCountList {
        counts = counts == null ? List.of() : List.copyOf(counts);
        refusals = refusals == null ? List.of() : List.copyOf(refusals);
    }

    /** Records of one change reason: how many were recorded, how many refused. */
    @JsonPropertyOrder({"ChangeReason", "Recorded", "Refused"})
    public record Count(
            @JacksonXmlProperty(localName = "ChangeReason", namespace = NS) ChangeReason changeReason,
            @JacksonXmlProperty(localName = "Recorded", namespace = NS) int recorded,
            @JacksonXmlProperty(localName = "Refused", namespace = NS) int refused) {
    }

    /** A refused record: its position in the update (from 1), its change reason, why. */
    @JsonPropertyOrder({"ItemNumber", "ChangeReason", "Reason", "Detail"})
    public record Refusal(
            @JacksonXmlProperty(localName = "ItemNumber", namespace = NS) int itemNumber,
            @JacksonXmlProperty(localName = "ChangeReason", namespace = NS) ChangeReason changeReason,
            @JacksonXmlProperty(localName = "Reason", namespace = NS) String reason,
            @JacksonXmlProperty(localName = "Detail", namespace = NS) String detail) {
    }
}
