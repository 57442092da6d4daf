package org.jukibus.flow.specialtransfer;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 住民基本台帳カードの保有の確認 (card-holding check), standard 第6の5(1): the counter asks whether a
 * resident filing a card-holder transfer-out holds a valid resident card. Schema:
 * {@code schemas/card-check-request.xsd}; the answer is a {@link CardCheckResult}.
 *
 * @param checkId      the counter's reference; the answer is {@code legacy/outbox/card-check/<checkId>.xml}
 * @param municipality this node's local government code
 * @param residentCode 住民票コード, 11 digits
 */
@JacksonXmlRootElement(localName = CardCheckRequest.TYPE, namespace = CardCheckRequest.NS)
@JsonPropertyOrder({"CheckId", "Municipality", "ResidentCode"})
public record CardCheckRequest(
        @JacksonXmlProperty(localName = "CheckId", namespace = NS) String checkId,
        @JacksonXmlProperty(localName = "Municipality", namespace = NS) String municipality,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode) {

    public static final String NS = "urn:jukibus:card-check:1";
    public static final String TYPE = "CardCheckRequest";
}
