package org.jukibus.flow.certificatecopy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 住民票の写しの交付の特例に係る請求があった旨の通知 (certificate copy request), standard 第6の4(1),
 * 住民基本台帳法 第12条の4, items per 施行令 第15条の2第1項: entered at the issuing municipality's counter
 * and sent to the home municipality. Schema: {@code schemas/certificate-copy-request.xsd}. The domicile
 * (本籍) cannot be requested on a copy issued elsewhere, so there is no field for it.
 *
 * @param requestId           the issuing system's id of the request (請求の整理番号); the reply names it
 * @param requestDate         the day the counter took the request, {@code YYYY-MM-DD}
 * @param issuingMunicipality local government code of the issuing municipality (sender)
 * @param homeMunicipality    local government code of the home municipality (recipient)
 * @param requester           who asks
 * @param identityCheck       how the counter checked the requester's identity: {@code resident-card} or {@code document}
 * @param copyItems           what the copy is to show
 * @param copies              how many copies (1 when absent)
 */
@JacksonXmlRootElement(localName = CertificateCopyRequest.TYPE, namespace = CertificateCopyRequest.NS)
@JsonPropertyOrder({"RequestId", "RequestDate", "IssuingMunicipality", "HomeMunicipality", "Requester", "IdentityCheck",
        "CopyItems", "Copies"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CertificateCopyRequest(
        @JacksonXmlProperty(localName = "RequestId", namespace = NS) String requestId,
        @JacksonXmlProperty(localName = "RequestDate", namespace = NS) String requestDate,
        @JacksonXmlProperty(localName = "IssuingMunicipality", namespace = NS) String issuingMunicipality,
        @JacksonXmlProperty(localName = "HomeMunicipality", namespace = NS) String homeMunicipality,
        @JacksonXmlProperty(localName = "Requester", namespace = NS) Requester requester,
        @JacksonXmlProperty(localName = "IdentityCheck", namespace = NS) String identityCheck,
        @JacksonXmlProperty(localName = "CopyItems", namespace = NS) CopyItems copyItems,
        @JacksonXmlProperty(localName = "Copies", namespace = NS) Integer copies) {

    /** XML namespace of the request. */
    public static final String NS = "urn:jukibus:certificate-copy-request:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "CertificateCopyRequest";

    /**
     * 請求をする者.
     *
     * @param name         氏名
     * @param nameKana     氏名の振り仮名 (katakana), optional
     * @param birthDate    出生の年月日
     * @param sex          男女の別 ("1", "2", "9"), optional
     * @param address      住所 in the home municipality
     * @param residentCode 住民票コード, when the request form gives it
     */
    @JsonPropertyOrder({"Name", "NameKana", "BirthDate", "Sex", "Address", "ResidentCode"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Requester(
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "NameKana", namespace = NS) String nameKana,
            @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
            @JacksonXmlProperty(localName = "Sex", namespace = NS) String sex,
            @JacksonXmlProperty(localName = "Address", namespace = NS) String address,
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode) {
    }

    /**
     * What the copy is to show.
     *
     * @param scope                        {@code requester} (本人のみ) or {@code household} (世帯全員)
     * @param householdHeadAndRelationship whether the household head's name and the relationship to them are shown
     * @param residentCode                 whether resident codes are shown
     */
    @JsonPropertyOrder({"Scope", "HouseholdHeadAndRelationship", "ResidentCode"})
    public record CopyItems(
            @JacksonXmlProperty(localName = "Scope", namespace = NS) String scope,
            @JacksonXmlProperty(localName = "HouseholdHeadAndRelationship", namespace = NS) boolean householdHeadAndRelationship,
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) boolean residentCode) {

        public static final String REQUESTER = "requester";
        public static final String HOUSEHOLD = "household";
    }
}
