package org.jukibus.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.flow.certificatecopy.CertificateCopyFlow;
import org.jukibus.flow.changeinfo.ChangeInfoFlow;
import org.jukibus.flow.identity.IdentityFlow;
import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.jukibus.flow.transferin.TransferInNotice;
import org.jukibus.flow.transferout.TransferOutFlow;
import org.jukibus.monitoring.MonitoringFlows;
import org.jukibus.core.NodeRole;

/** The flows this version of jukibus knows, by name. */
public final class Flows {

    /** 転入通知 (第6の2): the new municipality tells the old one that a resident moved in; one notice per NoticeId. */
    public static final FlowDefinition TRANSFER_IN = new FlowDefinition("transfer-in", TransferInNotice.TYPE,
            "NewMunicipality", "OldMunicipality", NodeRole.MUNICIPAL, true, BusinessKey.of("NoticeId"));

    /** The recipient's signed confirmation that a message reached its legacy outbox. */
    public static final FlowDefinition RECEIPT = new FlowDefinition(
            "receipt", Receipt.TYPE, null, null, null, false);

    private final Map<String, FlowDefinition> byName = new LinkedHashMap<>();

    public Flows(List<FlowDefinition> flows) {
        flows.forEach(f -> byName.put(f.name(), f));
    }

    public static Flows standard() {
        List<FlowDefinition> all = new java.util.ArrayList<>(List.of(TRANSFER_IN, RECEIPT, TransferOutFlow.CONFIRMATION));
        all.addAll(SpecialTransferFlow.ALL);
        all.addAll(List.of(CertificateCopyFlow.REQUEST, CertificateCopyFlow.REPLY));
        all.addAll(List.of(IdentityFlow.UPDATE, IdentityFlow.COUNT_LIST));
        all.add(MonitoringFlows.HEARTBEAT);
        all.add(MonitoringFlows.NODE_STATUS);
        all.add(ChangeInfoFlow.FLOW);
        all.add(org.jukibus.flow.nondelivery.NonDeliveryFlow.FLOW);
        return new Flows(all);
    }

    /** Every flow's name, in registration order. */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(byName.keySet());
    }

    public FlowDefinition byName(String name) {
        FlowDefinition flow = byName.get(name);
        if (flow == null) {
            throw new IllegalArgumentException("unknown flow '" + name + "' (known: " + byName.keySet() + ")");
        }
        return flow;
    }
}
