package org.jukibus.flow.specialtransfer;

import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowPackage;

import java.util.List;

import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;

/**
 * 転入転出の特例 (special transfer with the resident card, standard 第6の5): its five flows. Three stay
 * on the municipal node (the card register, the card-holding check at the counter, the
 * registration of transfer-out certificate info); two go from municipality to municipality,
 * never through a prefecture or central node (第3の3(3)).
 */
public final class SpecialTransferFlow extends FlowPackage {

    /** Card events from the legacy system into the node's card register (stays on the node). */
    public static final FlowDefinition RESIDENT_CARD = new FlowDefinition(
            "resident-card", ResidentCard.TYPE, "Municipality", null, null, false);

    /** 第6の5(1): does this resident hold a valid card? Answered into legacy/outbox/card-check/ (stays on the node). */
    public static final FlowDefinition CARD_CHECK = new FlowDefinition(
            "card-check", CardCheckRequest.TYPE, "Municipality", null, null, false);

    /** 第6の5(2): the old municipality registers the transfer-out certificate info (stays on the node). */
    public static final FlowDefinition TRANSFER_OUT_CERTIFICATE = new FlowDefinition(
            "transfer-out-certificate", TransferOutCertificate.TYPE, "OldMunicipality", null, null, false);

    /**
     * 第6の5(3): the new municipality tells the old one of the first transfer-in. No receipt: the
     * old node's answer on {@link #TRANSFER_OUT_CERTIFICATE_INFO} is the confirmation.
     */
    public static final FlowDefinition FIRST_TRANSFER_IN = new FlowDefinition("first-transfer-in",
            FirstTransferInNotice.TYPE, "NewMunicipality", "OldMunicipality", NodeRole.MUNICIPAL, false,
            BusinessKey.of("NoticeId"));

    /** 第6の5(4): the old node's answer, sent by the node itself (no legacy input), old → new. */
    public static final FlowDefinition TRANSFER_OUT_CERTIFICATE_INFO = new FlowDefinition(
            "transfer-out-certificate-info", TransferOutCertificateInfo.TYPE, "OldMunicipality", "NewMunicipality",
            NodeRole.MUNICIPAL, false);

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public SpecialTransferFlow() {
        super(List.of(RESIDENT_CARD, CARD_CHECK, TRANSFER_OUT_CERTIFICATE, FIRST_TRANSFER_IN, TRANSFER_OUT_CERTIFICATE_INFO),
                List.of(PayloadType.of("ResidentCard", "resident-card.xsd", "urn:jukibus:resident-card:1"),
                        PayloadType.of("CardCheckRequest", "card-check-request.xsd", "urn:jukibus:card-check:1"),
                        PayloadType.of("CardCheckResult", "card-check-result.xsd", "urn:jukibus:card-check:1"),
                        PayloadType.of("TransferOutCertificate", "transfer-out-certificate.xsd", "urn:jukibus:transfer-out-certificate:1"),
                        PayloadType.of("FirstTransferInNotice", "first-transfer-in-notice.xsd", "urn:jukibus:first-transfer-in:1"),
                        PayloadType.of("TransferOutCertificateInfo", "transfer-out-certificate-info.xsd", "urn:jukibus:transfer-out-certificate-info:1")),
                List.of(SpecialTransferConfiguration.class));
    }
}
