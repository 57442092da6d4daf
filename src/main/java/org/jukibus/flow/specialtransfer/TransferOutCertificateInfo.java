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
 * @param members         one per household member the notice asked for (and no other), in its order
 */
@JacksonXmlRootElement(localName = TransferOutCertificateInfo.TYPE, namespace = TransferOutCertificateInfo.NS)
@JsonPropertyOrder({"NoticeId", "ResidentCode", "OldMunicipality", "NewMunicipality", "Status", "AnsweredAt",
        "MismatchedItem", "Certificate", "HouseholdMember"})
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
        @JacksonXmlProperty(localName = "Certificate", namespace = NS) Certificate certificate,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "HouseholdMember", namespace = NS) List<Member> members) {

    public static final String NS = "urn:jukibus:transfer-out-certificate-info:1";
    public static final String TYPE = "TransferOutCertificateInfo";

    public TransferOutCertificateInfo {
        mismatchedItems = mismatchedItems == null ? List.of() : List.copyOf(mismatchedItems);
        members = members == null ? List.of() : List.copyOf(members);
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

    /** What the old municipality found for a household member the notice asked for. */
    public enum MemberStatus {
        /** 登録あり: the member is in the card holder's registration; their items follow. */
        FOUND,
        /** 登録なし: the card holder's registration has no such member. */
        NOT_REGISTERED,
        /** 不一致: the member is registered, but the notice's name differs; nothing of theirs is sent. */
        MISMATCH,
        /** The card holder's own answer is not FOUND: nothing about the household is sent. */
        WITHHELD
    }

    /**
     * The answer for one household member (世帯員) the notice asked for: FOUND carries their items of the
     * registration (施行令 第24条の4; the address, head, dates and new address are the card holder's).
     */
    @JsonPropertyOrder({"ResidentCode", "Status", "MismatchedItem", "Name", "NameKana", "BirthDate", "Sex", "Relationship"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Member(
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
            @JacksonXmlProperty(localName = "Status", namespace = NS) MemberStatus status,
            @JacksonXmlElementWrapper(useWrapping = false)
            @JacksonXmlProperty(localName = "MismatchedItem", namespace = NS) List<String> mismatchedItems,
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "NameKana", namespace = NS) String nameKana,
            @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
            @JacksonXmlProperty(localName = "Sex", namespace = NS) String sex,
            @JacksonXmlProperty(localName = "Relationship", namespace = NS) String relationship) {

        public Member {
            mismatchedItems = mismatchedItems == null ? List.of() : List.copyOf(mismatchedItems);
        }

        static Member found(TransferOutCertificate.Member m) {
            return new Member(m.residentCode(), MemberStatus.FOUND, null, m.name(), m.nameKana(), m.birthDate(), m.sex(),
                    m.relationship());
        }

        static Member without(String residentCode, MemberStatus status, List<String> mismatchedItems) {
            return new Member(residentCode, status, mismatchedItems, null, null, null, null, null);
        }
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
