package org.jukibus.flow.specialtransfer;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 転出証明書情報の通知 (transfer-out certificate info), standard 第6の5(4): the old municipality's node
 * answers a {@link FirstTransferInNotice}. Schema: {@code schemas/transfer-out-certificate-info.xsd}.
 *
 * @param noticeId        the answered notice's reference
 * @param residentCode    住民票コード
 * @param oldMunicipality the old municipality (sender)
 * @param newMunicipality the new municipality (recipient)
 * @param status          FOUND, NOT_REGISTERED or MISMATCH
 * @param answeredAt      when the old node first answered this notice (instant, ISO 8601)
 * @param mismatchedItems MISMATCH: which of {@code Name}, {@code BirthDate} differ; otherwise empty
 * @param certificate     FOUND: the latest registered certificate info; otherwise null
 */
@JacksonXmlRootElement(localName = TransferOutCertificateInfo.TYPE, namespace = TransferOutCertificateInfo.NS)
@JsonPropertyOrder({"NoticeId", "ResidentCode", "OldMunicipality", "NewMunicipality", "Status", "AnsweredAt",
        "MismatchedItem", "Certificate"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TransferOutCertificateInfo(
        @JacksonXmlProperty(localName = "NoticeId", namespace = NS) String noticeId,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "OldMunicipality", namespace = NS) String oldMunicipality,
        @JacksonXmlProperty(localName = "NewMunicipality", namespace = NS) String newMunicipality,
        @JacksonXmlProperty(localName = "Status", namespace = NS) Status status,
        @JacksonXmlProperty(localName = "AnsweredAt", namespace = NS) String answeredAt,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "MismatchedItem", namespace = NS) List<String> mismatchedItems,
        @JacksonXmlProperty(localName = "Certificate", namespace = NS) Certificate certificate) {

    public static final String NS = "urn:jukibus:transfer-out-certificate-info:1";
    public static final String TYPE = "TransferOutCertificateInfo";

    public TransferOutCertificateInfo {
        mismatchedItems = mismatchedItems == null ? List.of() : List.copyOf(mismatchedItems);
    }

    /** What the old municipality found for the notice. */
    public enum Status {
        /** 登録あり: the certificate info follows. */
        FOUND,
        /** 登録なし: no certificate info is registered for the resident code. */
        NOT_REGISTERED,
        /** 不一致: registered, but the notice's name or birth date differ; no personal data is sent. */
        MISMATCH
    }

    /** The registered certificate info (施行令 第24条の4), as in {@link TransferOutCertificate}. */
    @JsonPropertyOrder({"RegistrationId", "RegisteredAt", "Name", "NameKana", "BirthDate", "Sex", "Address",
            "HouseholdHead", "Relationship", "PlannedTransferOutDate", "NewAddress", "CardNumber", "PlannedNewMunicipality"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Certificate(
            @JacksonXmlProperty(localName = "RegistrationId", namespace = NS) String registrationId,
            @JacksonXmlProperty(localName = "RegisteredAt", namespace = NS) String registeredAt,
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
            @JacksonXmlProperty(localName = "PlannedNewMunicipality", namespace = NS) String plannedNewMunicipality) {

        /** The certificate part of a registration, with the time it was registered. */
        static Certificate of(TransferOutCertificate c, String registeredAt) {
            return new Certificate(c.registrationId(), registeredAt, c.name(), c.nameKana(), c.birthDate(), c.sex(),
                    c.address(), c.householdHead(), c.relationship(), c.plannedTransferOutDate(), c.newAddress(),
                    c.cardNumber(), c.plannedNewMunicipality());
        }
    }
}
