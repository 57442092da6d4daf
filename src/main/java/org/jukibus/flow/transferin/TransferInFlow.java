package org.jukibus.flow.transferin;

import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.flow.FlowPackage;

/** The transfer-in flow (転入通知, 第6の2): new municipality → old municipality. */
public final class TransferInFlow extends FlowPackage {

    /** The new municipality tells the old one that a resident moved in; one notice per NoticeId. */
    public static final FlowDefinition NOTICE = new FlowDefinition("transfer-in", TransferInNotice.TYPE,
            "NewMunicipality", "OldMunicipality", NodeRole.MUNICIPAL, true, BusinessKey.of("NoticeId"));

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public TransferInFlow() {
        super(List.of(NOTICE),
                List.of(PayloadType.of("TransferInNotice", "transfer-in-notice.xsd", "urn:jukibus:transfer-in:1")));
    }
}
