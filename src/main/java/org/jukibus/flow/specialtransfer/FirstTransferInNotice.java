package org.jukibus.flow.specialtransfer;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 最初の転入届を受けた旨の通知 (first transfer-in notice), standard 第6の5(3): the new municipality
 * tells the old one that the card holder filed the first transfer-in (最初の転入届); the old
 * municipality's node answers with a {@link TransferOutCertificateInfo}. Schema:
 * {@code schemas/first-transfer-in-notice.xsd}.
 *
 * @param noticeId        the new municipality's reference for this notice
 * @param residentCode    住民票コード
 * @param name            氏名, as on the transfer-in form (compared with the registered certificate info)
 * @param birthDate       出生の年月日 (compared likewise)
 * @param transferInDate  転入をした年月日
 * @param newMunicipality local government code of the new municipality (sender)
 * @param oldMunicipality local government code of the old municipality (recipient)
 * @param householdMembers 最初の世帯員に関する転入届 (第6の5(5)): the household members moving in with the card
 *                        holder whose certificate info is asked for too; empty for the holder alone
 * @param collectedCardNumber the resident card the counter collected at this first transfer-in (第6の5(5)),
 *                        recorded in this node's card register; null when none was collected
 */
@JacksonXmlRootElement(localName = FirstTransferInNotice.TYPE, namespace = FirstTransferInNotice.NS)
@JsonPropertyOrder({"NoticeId", "ResidentCode", "Name", "BirthDate", "TransferInDate", "NewMunicipality", "OldMunicipality",
        "HouseholdMember", "CollectedCardNumber"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record FirstTransferInNotice(
        @JacksonXmlProperty(localName = "NoticeId", namespace = NS) String noticeId,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
        @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
        @JacksonXmlProperty(localName = "TransferInDate", namespace = NS) String transferInDate,
        @JacksonXmlProperty(localName = "NewMunicipality", namespace = NS) String newMunicipality,
        @JacksonXmlProperty(localName = "OldMunicipality", namespace = NS) String oldMunicipality,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "HouseholdMember", namespace = NS) List<Member> householdMembers,
        @JacksonXmlProperty(localName = "CollectedCardNumber", namespace = NS) String collectedCardNumber) {

    public static final String NS = "urn:jukibus:first-transfer-in:1";
    public static final String TYPE = "FirstTransferInNotice";

    public FirstTransferInNotice {
        householdMembers = householdMembers == null ? List.of() : List.copyOf(householdMembers);
    }

    /** A household member (世帯員) moving in with the card holder, as on the transfer-in form. */
    @JsonPropertyOrder({"ResidentCode", "Name", "Relationship"})
    public record Member(
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "Relationship", namespace = NS) String relationship) {
    }
}
