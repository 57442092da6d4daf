package org.jukibus.flow.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;

/**
 * 本人確認情報 (identity information, 法第30条の5): one person's record as a municipality recorded it.
 * Dates are ISO {@code YYYY-MM-DD}; schema {@code schemas/identity-update.xsd}, element {@code Record}.
 *
 * @param residentCode 住民票コード, 11 digits
 * @param name         氏名
 * @param nameKana     its reading, or null
 * @param birthDate    出生の年月日
 * @param sex          男女の別: 1, 2 or 9
 * @param address      住所
 * @param changeReason 異動事由
 * @param changeDate   異動年月日
 * @param municipality the recording municipality's local government code
 */
@JsonPropertyOrder({"ResidentCode", "Name", "NameKana", "BirthDate", "Sex", "Address", "ChangeReason", "ChangeDate",
        "Municipality"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdentityRecord(
        @JacksonXmlProperty(localName = "ResidentCode", namespace = IdentityUpdate.NS) String residentCode,
        @JacksonXmlProperty(localName = "Name", namespace = IdentityUpdate.NS) String name,
        @JacksonXmlProperty(localName = "NameKana", namespace = IdentityUpdate.NS) String nameKana,
        @JacksonXmlProperty(localName = "BirthDate", namespace = IdentityUpdate.NS) String birthDate,
        @JacksonXmlProperty(localName = "Sex", namespace = IdentityUpdate.NS) String sex,
        @JacksonXmlProperty(localName = "Address", namespace = IdentityUpdate.NS) String address,
        @JacksonXmlProperty(localName = "ChangeReason", namespace = IdentityUpdate.NS) ChangeReason changeReason,
        @JacksonXmlProperty(localName = "ChangeDate", namespace = IdentityUpdate.NS) String changeDate,
        @JacksonXmlProperty(localName = "Municipality", namespace = IdentityUpdate.NS) String municipality) {
}
