package org.jukibus.flow.transferin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 転入通知 (transfer-in notice), standard 第6の2, 住民基本台帳法 第9条第1項, items per 施行令 第10条:
 * sent by the new municipality to the old one. Schema: {@code schemas/transfer-in-notice.xsd}.
 * Dates are ISO {@code YYYY-MM-DD} strings (the schema checks them).
 *
 * @param noticeId        the legacy system's reference for this notice (通知の整理番号)
 * @param residentCode    住民票コード, 11 digits
 * @param name            氏名
 * @param nameKana        氏名の振り仮名 (katakana), optional
 * @param birthDate       出生の年月日
 * @param sex             男女の別: "1" male, "2" female, "9" unknown
 * @param newAddress      住所 (after the transfer-in)
 * @param transferInDate  転入をした年月日
 * @param previousAddress 従前の住所
 * @param newMunicipality local government code of the new municipality (sender), 6 digits
 * @param oldMunicipality local government code of the old municipality (recipient), 6 digits
 * @param householdHead   世帯主の氏名, optional
 * @param relationship    世帯主との続柄, optional
 */
@JacksonXmlRootElement(localName = "TransferInNotice", namespace = TransferInNotice.NS)
@JsonPropertyOrder({"NoticeId", "ResidentCode", "Name", "NameKana", "BirthDate", "Sex", "NewAddress",
        "TransferInDate", "PreviousAddress", "NewMunicipality", "OldMunicipality", "HouseholdHead", "Relationship"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferInNotice(
        @JacksonXmlProperty(localName = "NoticeId", namespace = NS) String noticeId,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
        @JacksonXmlProperty(localName = "NameKana", namespace = NS) String nameKana,
        @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
        @JacksonXmlProperty(localName = "Sex", namespace = NS) String sex,
        @JacksonXmlProperty(localName = "NewAddress", namespace = NS) String newAddress,
        @JacksonXmlProperty(localName = "TransferInDate", namespace = NS) String transferInDate,
        @JacksonXmlProperty(localName = "PreviousAddress", namespace = NS) String previousAddress,
        @JacksonXmlProperty(localName = "NewMunicipality", namespace = NS) String newMunicipality,
        @JacksonXmlProperty(localName = "OldMunicipality", namespace = NS) String oldMunicipality,
        @JacksonXmlProperty(localName = "HouseholdHead", namespace = NS) String householdHead,
        @JacksonXmlProperty(localName = "Relationship", namespace = NS) String relationship) {

    /** XML namespace of the transfer-in notice. */
    public static final String NS = "urn:jukibus:transfer-in:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "TransferInNotice";
}
