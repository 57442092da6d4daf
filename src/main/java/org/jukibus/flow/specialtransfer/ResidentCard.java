package org.jukibus.flow.specialtransfer;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * One event of a resident card (住民基本台帳カード) as the municipality's legacy system registers it:
 * issued, returned or invalidated on a date. The node keeps every event; the card-holding check
 * answers from them. Schema: {@code schemas/resident-card.xsd}.
 *
 * @param municipality this node's local government code (the card's issuing municipality)
 * @param residentCode 住民票コード, 11 digits
 * @param cardNumber   the card's number
 * @param status       what happened to the card
 * @param statusDate   when, {@code YYYY-MM-DD}
 */
@JacksonXmlRootElement(localName = ResidentCard.TYPE, namespace = ResidentCard.NS)
@JsonPropertyOrder({"Municipality", "ResidentCode", "CardNumber", "Status", "StatusDate"})
public record ResidentCard(
        @JacksonXmlProperty(localName = "Municipality", namespace = NS) String municipality,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "CardNumber", namespace = NS) String cardNumber,
        @JacksonXmlProperty(localName = "Status", namespace = NS) CardStatus status,
        @JacksonXmlProperty(localName = "StatusDate", namespace = NS) String statusDate) {

    public static final String NS = "urn:jukibus:resident-card:1";
    public static final String TYPE = "ResidentCard";
}
