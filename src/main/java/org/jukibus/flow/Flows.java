package org.jukibus.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.core.Contributions;

/** The flows this version of jukibus knows, by name. */
public final class Flows {

    /** The recipient's signed confirmation that a message reached its legacy outbox. */
    public static final FlowDefinition RECEIPT = new FlowDefinition(
            "receipt", Receipt.TYPE, null, null, null, false);

    private final Map<String, FlowDefinition> byName = new LinkedHashMap<>();

    public Flows(List<FlowDefinition> flows) {
        for (FlowDefinition flow : flows) {
            FlowDefinition earlier = byName.put(flow.name(), flow);
            if (earlier != null) {
                throw new IllegalStateException("two flows named " + flow.name() + ": " + earlier + " and " + flow);
            }
        }
    }

    /** Every flow package's flows ({@link FlowPackage}), in the order of the packages' class names. */
    public static Flows standard() {
        return new Flows(Contributions.of(FlowPackage.class).stream().flatMap(p -> p.flows().stream()).toList());
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
