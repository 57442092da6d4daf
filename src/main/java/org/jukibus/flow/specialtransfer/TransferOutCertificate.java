package org.jukibus.flow.specialtransfer;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 転出証明書情報 (transfer-out certificate info), standard 第6の5(2), items per 施行令 第24条の4, as the
 * old municipality's legacy system registers it after a card-holder transfer-out (付記転出届).
 * Schema: {@code schemas/transfer-out-certificate.xsd}. Dates are {@code YYYY-MM-DD}.
 *
 * @param registrationId         the legacy system's reference of this registration; a correction gets a new one
 * @param residentCode           住民票コード
 * @param name                   氏名
 * @param nameKana               氏名の振り仮名, optional
 * @param birthDate              出生の年月日
 * @param sex                    男女の別: "1", "2" or "9"
 * @param address                住所 before the transfer-out
 * @param householdHead          世帯主の氏名
 * @param relationship           世帯主との続柄
 * @param plannedTransferOutDate 転出の予定年月日
 * @param newAddress             転出先
 * @param cardNumber             the resident card's number
 * @param oldMunicipality        this node's local government code
 * @param plannedNewMunicipality the municipality the resident plans to move to, when known
 * @param householdMembers       世帯員に関する付記転出届 (第6の5(1)): the card holder's household members moving
 *                               with them, each with their own items; empty when the holder moves alone
 */
@JacksonXmlRootElement(localName = TransferOutCertificate.TYPE, namespace = TransferOutCertificate.NS)
@JsonPropertyOrder({"RegistrationId", "ResidentCode", "Name", "NameKana", "BirthDate", "Sex", "Address", "HouseholdHead",
        "Relationship", "PlannedTransferOutDate", "NewAddress", "CardNumber", "OldMunicipality", "PlannedNewMunicipality", "HouseholdMember"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TransferOutCertificate(
        @JacksonXmlProperty(localName = "RegistrationId", namespace = NS) String registrationId,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
        @JacksonXmlProperty(localName = "NameKana", namespace = NS) String nameKana,
        @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
        @JacksonXmlProperty(localName = "Sex", namespace = NS) String sex,
        @JacksonXmlProperty(localName = "Address", namespace = NS) String address,
        @JacksonXmlProperty(localName = "HouseholdHead", namespace = NS) String householdHead,
        @JacksonXmlProperty(localName = "Relationship", namespace = NS) String relationship,
        @JacksonXmlProperty(localName = "PlannedTransferOutDate", namespace = NS) String plannedTransferOutDate,
        @JacksonXmlProperty(localName = "NewAddress", namespace = NS) String newAddress,
        @JacksonXmlProperty(localName = "CardNumber", namespace = NS) String cardNumber,
        @JacksonXmlProperty(localName = "OldMunicipality", namespace = NS) String oldMunicipality,
        @JacksonXmlProperty(localName = "PlannedNewMunicipality", namespace = NS) String plannedNewMunicipality,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "HouseholdMember", namespace = NS) List<Member> householdMembers) {

    public static final String NS = "urn:jukibus:transfer-out-certificate:1";
    public static final String TYPE = "TransferOutCertificate";

    public TransferOutCertificate {
        householdMembers = householdMembers == null ? List.of() : List.copyOf(householdMembers);
    }

    /**
     * A household member (世帯員) in the registration: their own items of 施行令 第24条の4; the address, the
     * household head, the dates and the new address are the registration's.
     */
    @JsonPropertyOrder({"ResidentCode", "Name", "NameKana", "BirthDate", "Sex", "Relationship"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "NameKana", namespace = NS) String nameKana,
            @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
            @JacksonXmlProperty(localName = "Sex", namespace = NS) String sex,
            @JacksonXmlProperty(localName = "Relationship", namespace = NS) String relationship) {
    }
}
