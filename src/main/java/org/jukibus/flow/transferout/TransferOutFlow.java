package org.jukibus.flow.transferout;

import java.util.List;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowPackage;

import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;

/** The transfer-out confirmation flow (転出確定通知, 第6の3): old municipality → its prefecture. */
public final class TransferOutFlow extends FlowPackage {

    /** Flow name: folders {@code legacy/*}{@code /transfer-out/}, queue {@code jukibus.inbound.transfer-out}. */
    public static final String NAME = "transfer-out";

    /**
     * Sent by the municipal node named in OldMunicipality to the prefecture node named in Prefecture; receipted.
     * The payload has no id: a confirmation is the person's (ResidentCode) at the moment it was made
     * (ConfirmedAt). A correction is one more confirmation, with the time it was made, and the
     * prefecture keeps both (TransferOutAnnotations).
     */
    public static final FlowDefinition CONFIRMATION = new FlowDefinition(NAME, TransferOutConfirmation.TYPE,
            "OldMunicipality", "Prefecture", NodeRole.PREFECTURE, true, BusinessKey.of("ResidentCode", "ConfirmedAt"));

    /** Node setting: whether the node confirms by itself when it delivers a transfer-in notice (default true). */
    public static final String CONFIRM_ON_TRANSFER_IN = "jukibus.transfer-out.confirm-on-transfer-in";

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public TransferOutFlow() {
        super(List.of(CONFIRMATION),
                List.of(PayloadType.of("TransferOutConfirmation", "transfer-out-confirmation.xsd", "urn:jukibus:transfer-out:1")),
                List.of(TransferOutConfiguration.class));
    }
}
