package org.jukibus.flow.specialtransfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * The answer to a {@link CardCheckRequest} (住民基本台帳カードの保有の確認の結果, 第6の5(1)).
 * Schema: {@code schemas/card-check-result.xsd}.
 *
 * @param checkId      the request's reference
 * @param municipality this node's local government code
 * @param residentCode 住民票コード
 * @param result       whether the resident holds a valid card
 * @param cardNumber   the held card, or (NO_CARD) the card last recorded for the resident; absent when none
 * @param cardStatus   that card's status
 * @param statusDate   the date of that status ({@code YYYY-MM-DD})
 * @param reason       why NO_CARD, for the counter
 * @param checkedAt    when the node answered (instant, ISO 8601)
 */
@JacksonXmlRootElement(localName = CardCheckResult.TYPE, namespace = CardCheckRequest.NS)
@JsonPropertyOrder({"CheckId", "Municipality", "ResidentCode", "Result", "CardNumber", "CardStatus", "StatusDate",
        "Reason", "CheckedAt"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CardCheckResult(
        @JacksonXmlProperty(localName = "CheckId", namespace = CardCheckRequest.NS) String checkId,
        @JacksonXmlProperty(localName = "Municipality", namespace = CardCheckRequest.NS) String municipality,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = CardCheckRequest.NS) String residentCode,
        @JacksonXmlProperty(localName = "Result", namespace = CardCheckRequest.NS) Result result,
        @JacksonXmlProperty(localName = "CardNumber", namespace = CardCheckRequest.NS) String cardNumber,
        @JacksonXmlProperty(localName = "CardStatus", namespace = CardCheckRequest.NS) CardStatus cardStatus,
        @JacksonXmlProperty(localName = "StatusDate", namespace = CardCheckRequest.NS) String statusDate,
        @JacksonXmlProperty(localName = "Reason", namespace = CardCheckRequest.NS) String reason,
        @JacksonXmlProperty(localName = "CheckedAt", namespace = CardCheckRequest.NS) String checkedAt) {

    public static final String TYPE = "CardCheckResult";

    /** 保有の有無. */
    public enum Result {
        HOLDS_CARD,
        NO_CARD
    }
}
