package org.jukibus.node;

import org.jukibus.core.Contributions;
import org.jukibus.flow.FlowPackage;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imports every flow package's Spring configuration ({@link FlowPackage#configurations()}), the way
 * {@code Flows.standard()} collects their flows, so a new flow adds its beans without editing
 * {@link NodeApplication}'s import list.
 */
final class FlowConfigurations implements ImportSelector {

    @Override
    public String[] selectImports(AnnotationMetadata importingClass) {
        return Contributions.of(FlowPackage.class).stream()
                .flatMap(flowPackage -> flowPackage.configurations().stream())
                .map(Class::getName)
                .distinct()
                .toArray(String[]::new);
    }
}
