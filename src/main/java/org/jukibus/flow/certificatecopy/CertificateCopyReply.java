package org.jukibus.flow.certificatecopy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 住民票の写しの情報の通知 (certificate copy reply), standard 第6の4(2), items per 施行令 第15条の2第2項:
 * the home municipality's answer to a {@link CertificateCopyRequest}, either the certificate data or a
 * refusal. Schema: {@code schemas/certificate-copy-reply.xsd}. Exactly one of {@code certificate} and
 * {@code refusal} is present.
 *
 * @param requestId           the {@link CertificateCopyRequest#requestId()} it answers
 * @param homeMunicipality    local government code of the home municipality (sender)
 * @param issuingMunicipality local government code of the issuing municipality (recipient)
 * @param certificate         the residence record's items, or null
 * @param refusal             why no copy can be issued, or null
 */
@JacksonXmlRootElement(localName = CertificateCopyReply.TYPE, namespace = CertificateCopyReply.NS)
@JsonPropertyOrder({"RequestId", "HomeMunicipality", "IssuingMunicipality", "Certificate", "Refusal"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CertificateCopyReply(
        @JacksonXmlProperty(localName = "RequestId", namespace = NS) String requestId,
        @JacksonXmlProperty(localName = "HomeMunicipality", namespace = NS) String homeMunicipality,
        @JacksonXmlProperty(localName = "IssuingMunicipality", namespace = NS) String issuingMunicipality,
        @JacksonXmlProperty(localName = "Certificate", namespace = NS) Certificate certificate,
        @JacksonXmlProperty(localName = "Refusal", namespace = NS) Refusal refusal) {

    /** XML namespace of the reply. */
    public static final String NS = "urn:jukibus:certificate-copy-reply:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "CertificateCopyReply";

    /**
     * The residence record's items for the copy.
     *
     * @param asOf          the day the data was taken from the resident-record system
     * @param address       住所
     * @param householdHead 世帯主の氏名, only when requested
     * @param persons       the people on the copy (the requester, or the whole household)
     */
    @JsonPropertyOrder({"AsOf", "Address", "HouseholdHead", "Person"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Certificate(
            @JacksonXmlProperty(localName = "AsOf", namespace = NS) String asOf,
            @JacksonXmlProperty(localName = "Address", namespace = NS) String address,
            @JacksonXmlProperty(localName = "HouseholdHead", namespace = NS) String householdHead,
            @JacksonXmlElementWrapper(useWrapping = false)
            @JacksonXmlProperty(localName = "Person", namespace = NS) List<Person> persons) {
    }

    /**
     * One person on the copy.
     *
     * @param name               氏名
     * @param nameKana           氏名の振り仮名, optional
     * @param birthDate          出生の年月日
     * @param sex                男女の別 ("1", "2", "9")
     * @param relationship       世帯主との続柄, only when requested
     * @param becameResidentDate 住民となった年月日
     * @param addressSetDate     住所を定めた年月日, optional
     * @param notificationDate   住所を定めた旨の届出の年月日, optional
     * @param previousAddress    従前の住所, optional
     * @param residentCode       住民票コード, only when requested
     */
    @JsonPropertyOrder({"Name", "NameKana", "BirthDate", "Sex", "Relationship", "BecameResidentDate", "AddressSetDate",
            "NotificationDate", "PreviousAddress", "ResidentCode"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Person(
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "NameKana", namespace = NS) String nameKana,
            @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
            @JacksonXmlProperty(localName = "Sex", namespace = NS) String sex,
            @JacksonXmlProperty(localName = "Relationship", namespace = NS) String relationship,
            @JacksonXmlProperty(localName = "BecameResidentDate", namespace = NS) String becameResidentDate,
            @JacksonXmlProperty(localName = "AddressSetDate", namespace = NS) String addressSetDate,
            @JacksonXmlProperty(localName = "NotificationDate", namespace = NS) String notificationDate,
            @JacksonXmlProperty(localName = "PreviousAddress", namespace = NS) String previousAddress,
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode) {
    }

    /**
     * 写しの情報を通知しない旨.
     *
     * @param reasonCode {@code not-found}, {@code mismatch}, {@code restricted} or {@code other}
     * @param reason     the reason in words, shown to the requester
     */
    @JsonPropertyOrder({"ReasonCode", "Reason"})
    public record Refusal(
            @JacksonXmlProperty(localName = "ReasonCode", namespace = NS) String reasonCode,
            @JacksonXmlProperty(localName = "Reason", namespace = NS) String reason) {
    }
}
