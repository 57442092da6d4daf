package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.jukibus.core.Contributions;
import org.jukibus.envelope.PayloadTypes;
import org.jukibus.flow.transferin.TransferInFlow;
import org.jukibus.flow.transferout.TransferOutConfiguration;
import org.jukibus.flow.transferout.TransferOutFlow;
import org.jukibus.xml.Schemas;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/** The flows and payload types the flow packages contribute (FlowPackage), as the registries collect them. */
class FlowPackagesTest {

    /** At least these: a new flow proves itself found in its own package's test, without editing this list. */
    @Test
    void every_flow_package_is_found() {
        assertThat(Flows.standard().names()).contains(
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

    /**
     * A flow package's configuration that its FlowPackage does not name is never imported into a node: its handler
     * would silently not run.
     */
    @Test
    void every_configuration_of_a_flow_package_is_named_by_it() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Configuration.class));
        // a Java package may hold more than one FlowPackage (nondelivery: notices and receipt batches): together they name all
        java.util.Map<String, List<String>> namedByPackage = new java.util.TreeMap<>();
        for (FlowPackage flowPackage : Contributions.of(FlowPackage.class)) {
            namedByPackage.computeIfAbsent(flowPackage.getClass().getPackageName(), p -> new java.util.ArrayList<>())
                    .addAll(flowPackage.configurations().stream().map(Class::getName).toList());
        }
        namedByPackage.forEach((packageName, named) -> {
            for (BeanDefinition found : scanner.findCandidateComponents(packageName)) {
                String name = found.getBeanClassName();
                if (!name.contains("$") && name.substring(0, name.lastIndexOf('.')).equals(packageName)) {
                    assertThat(named).as("the configurations the FlowPackages of " + packageName + " name").contains(name);
                }
            }
        });
        assertThat(new TransferOutFlow().configurations()).containsExactly(TransferOutConfiguration.class);
    }

    @Test
    void two_flows_of_one_name_are_refused() {
        assertThatThrownBy(() -> new Flows(List.of(TransferInFlow.NOTICE, TransferInFlow.NOTICE)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two flows named transfer-in");
    }
}
