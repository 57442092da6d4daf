package org.jukibus.flow.specialtransfer;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
 */
@JacksonXmlRootElement(localName = FirstTransferInNotice.TYPE, namespace = FirstTransferInNotice.NS)
@JsonPropertyOrder({"NoticeId", "ResidentCode", "Name", "BirthDate", "TransferInDate", "NewMunicipality", "OldMunicipality"})
public record FirstTransferInNotice(
        @JacksonXmlProperty(localName = "NoticeId", namespace = NS) String noticeId,
        @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
        @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
        @JacksonXmlProperty(localName = "BirthDate", namespace = NS) String birthDate,
        @JacksonXmlProperty(localName = "TransferInDate", namespace = NS) String transferInDate,
        @JacksonXmlProperty(localName = "NewMunicipality", namespace = NS) String newMunicipality,
        @JacksonXmlProperty(localName = "OldMunicipality", namespace = NS) String oldMunicipality) {

    public static final String NS = "urn:jukibus:first-transfer-in:1";
    public static final String TYPE = "FirstTransferInNotice";
}
