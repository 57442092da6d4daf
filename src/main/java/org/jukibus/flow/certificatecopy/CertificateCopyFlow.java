package org.jukibus.flow.certificatecopy;

import org.jukibus.flow.FlowDefinition;
import org.jukibus.node.NodeRole;

/**
 * The two flows of 住民票の写しの交付の特例 (certificate copy issued elsewhere, standard 第6の4), both
 * municipal node to municipal node directly (第3の3(3)): the issuing municipality's request, the home
 * municipality's reply. Each is confirmed by a receipt like every municipal-to-municipal message.
 */
public final class CertificateCopyFlow {

    /** 第6の4(1): issuing municipality → home municipality. */
    public static final FlowDefinition REQUEST = new FlowDefinition("certificate-copy-request",
            CertificateCopyRequest.TYPE, "IssuingMunicipality", "HomeMunicipality", NodeRole.MUNICIPAL, true);

    /** 第6の4(2): home municipality → issuing municipality, correlated to the request's message id. */
    public static final FlowDefinition REPLY = new FlowDefinition("certificate-copy-reply",
            CertificateCopyReply.TYPE, "HomeMunicipality", "IssuingMunicipality", NodeRole.MUNICIPAL, true);

    private CertificateCopyFlow() {
    }
}
