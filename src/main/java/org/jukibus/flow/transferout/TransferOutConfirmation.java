package org.jukibus.flow.transferout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 転出確定通知 (transfer-out confirmation), standard 第6の3: the old municipality tells its own
 * prefecture that a person who moved away has been registered by the new municipality, so that
 * the prefecture can note it against the person's identity record. Schema:
 * {@code schemas/transfer-out-confirmation.xsd}. Dates are ISO {@code YYYY-MM-DD} strings.
 *
 * @param residentCode        resident code of the person, 11 digits
 * @param name                the person's name
 * @param birthDate           birth date
 * @param newAddress          the address in the new municipality (from the transfer-in notice)
 * @param transferInDate      the day the person moved in there
 * @param oldMunicipality     local government code of the old municipality (sender), 6 digits
 * @param newMunicipality     local government code of the new municipality, 6 digits
 * @param prefecture          the old municipality's prefecture code (recipient), 2 digits
 * @param transferInMessageId envelope id of the transfer-in notice this confirms; absent when the
 *                            legacy system confirms a notice that did not come through jukibus
 * @param confirmedAt         when the old municipality confirmed it, xs:dateTime with zone
 */
@JacksonXmlRootElement(localName = "TransferOutConfirmation", namespace = TransferOutConfirmation.NS)
@JsonPropertyOrder({"ResidentCode", "Name", "BirthDate", "NewAddress", "TransferInDate", "OldMunicipality",
        "NewMunicipality", "Prefecture", "TransferInMessageId", "ConfirmedAt"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferOutConfirmation(
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
        @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
        @JacksonXmlProperty(localName = "NewAddress", namespace = NS) String newAddress,
        @JacksonXmlProperty(localName = "TransferInDate", namespace = NS) String transferInDate,
        @JacksonXmlProperty(localName = "OldMunicipality", namespace = NS) String oldMunicipality,
        @JacksonXmlProperty(localName = "NewMunicipality", namespace = NS) String newMunicipality,
        @JacksonXmlProperty(localName = "Prefecture", namespace = NS) String prefecture,
        @JacksonXmlProperty(localName = "TransferInMessageId", namespace = NS) String transferInMessageId,
        @JacksonXmlProperty(localName = "ConfirmedAt", namespace = NS) String confirmedAt) {

    /** XML namespace of the transfer-out confirmation. */
    public static final String NS = "urn:jukibus:transfer-out:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "TransferOutConfirmation";
    /** Its schema in {@code schemas/}. */
    public static final String SCHEMA = "transfer-out-confirmation.xsd";
}
