package org.jukibus.flow.certificatecopy;

import java.util.List;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowPackage;

import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;

/**
 * The two flows of 住民票の写しの交付の特例 (certificate copy issued elsewhere, standard 第6の4), both
 * municipal node to municipal node directly (第3の3(3)): the issuing municipality's request, the home
 * municipality's reply. Each is confirmed by a receipt like every municipal-to-municipal message.
 */
public final class CertificateCopyFlow extends FlowPackage {

    /**
     * 第6の4(1): issuing municipality → home municipality. Keyed by content: a RequestId is free again
     * once its request is answered or timed out, and while it is pending the {@link RequestHandler}
     * refuses a second request with it.
     */
    public static final FlowDefinition REQUEST = new FlowDefinition("certificate-copy-request",
            CertificateCopyRequest.TYPE, "IssuingMunicipality", "HomeMunicipality", NodeRole.MUNICIPAL, true,
            BusinessKey.CONTENT);

    /**
     * 第6の4(2): home municipality → issuing municipality, correlated to the request's message id. Keyed by
     * content: the {@link ReplyHandler} lets one reply answer each request (a second is refused as already answered).
     */
    public static final FlowDefinition REPLY = new FlowDefinition("certificate-copy-reply",
            CertificateCopyReply.TYPE, "HomeMunicipality", "IssuingMunicipality", NodeRole.MUNICIPAL, true,
            BusinessKey.CONTENT);

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public CertificateCopyFlow() {
        super(List.of(REQUEST, REPLY),
                List.of(PayloadType.of("CertificateCopyRequest", "certificate-copy-request.xsd", "urn:jukibus:certificate-copy-request:1"),
                        PayloadType.of("CertificateCopyReply", "certificate-copy-reply.xsd", "urn:jukibus:certificate-copy-reply:1")),
                List.of(CertificateCopyConfiguration.class));
    }
}
