package org.jukibus.flow.changeinfo;

import java.util.List;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowPackage;

import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;

/** The change-info flow (異動等情報, 第6の8(6)). */
public final class ChangeInfoFlow extends FlowPackage {

    public static final String NAME = "change-info";

    /**
     * Central → every liaison node of the directory. Made by central from its identity records,
     * never from a legacy file; no receipt: the liaison node's delivery log and dead-letter queue
     * account for each message, and a copy sent again is dropped by the brokers (duplicate detection).
     */
    public static final FlowDefinition FLOW = new FlowDefinition(NAME, ChangeInfo.TYPE, null, null, NodeRole.LIAISON, false);

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public ChangeInfoFlow() {
        super(List.of(FLOW),
                List.of(PayloadType.of("ChangeInfo", "change-info.xsd", "urn:jukibus:change-info:1")),
                List.of(ChangeInfoConfiguration.class));
    }
}
