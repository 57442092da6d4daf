package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.jukibus.envelope.PayloadTypes;
import org.jukibus.flow.transferin.TransferInFlow;
import org.jukibus.xml.Schemas;
import org.junit.jupiter.api.Test;

/** The flows and payload types the flow packages contribute (FlowPackage), as the registries collect them. */
class FlowPackagesTest {

    @Test
    void every_flow_package_is_found() {
        assertThat(Flows.standard().names()).containsExactlyInAnyOrder(
                "transfer-in", "receipt", "transfer-out",
                "resident-card", "card-check", "transfer-out-certificate", "first-transfer-in", "transfer-out-certificate-info",
                "certificate-copy-request", "certificate-copy-reply", "identity-update", "update-count-list",
                "heartbeat", "node-status", "change-info", "non-delivery");
    }

    @Test
    void every_flow_has_its_payload_type_and_every_payload_type_a_schema() {
        PayloadTypes types = PayloadTypes.defaults();
        for (String name : Flows.standard().names()) {
            FlowDefinition flow = Flows.standard().byName(name);
            assertThat(types.find(flow.messageType())).as(name + "'s payload type " + flow.messageType()).isPresent();
        }
        for (String type : List.of("TransferInNotice", "Receipt", "CardCheckResult", "NonDeliveryNotice")) {
            assertThat(types.schemaFor(type)).as(type).isPresent();
            assertThat(Schemas.get(types.schemaFor(type).orElseThrow())).as(type + "'s schema").isNotNull();
        }
    }

    @Test
    void a_package_contributes_its_own_definitions() {
        assertThat(Flows.standard().byName("transfer-in")).isSameAs(TransferInFlow.NOTICE);
        assertThat(PayloadTypes.defaults().find("TransferInNotice").orElseThrow().rootNamespace())
                .isEqualTo("urn:jukibus:transfer-in:1");
    }

    @Test
    void two_flows_of_one_name_are_refused() {
        assertThatThrownBy(() -> new Flows(List.of(TransferInFlow.NOTICE, TransferInFlow.NOTICE)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two flows named transfer-in");
    }
}
