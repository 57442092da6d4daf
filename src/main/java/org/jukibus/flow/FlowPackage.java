package org.jukibus.flow;

import java.util.List;

import org.jukibus.envelope.PayloadTypes;
import org.jukibus.envelope.PayloadTypes.PayloadType;

/**
 * A flow package's description of itself: its flows, the payload types they carry (schema, namespace) and the
 * Spring configuration classes that make its beans (handlers, stores). {@link Flows#standard()},
 * {@link PayloadTypes#defaults()} and the node's wiring (org.jukibus.node.FlowConfigurations) collect every
 * subclass under {@code org.jukibus} (org.jukibus.core.Contributions), so adding a flow touches no list outside its
 * package. A subclass has a public no-argument constructor that passes its definitions, which it keeps in static
 * fields for the package's own code.
 */
public abstract class FlowPackage implements PayloadTypes.Contributor {

    private final List<FlowDefinition> flows;
    private final List<PayloadType> payloadTypes;
    private final List<Class<?>> configurations;

    /** A package whose recipients only write the payload to their legacy outbox: no beans of its own. */
    protected FlowPackage(List<FlowDefinition> flows, List<PayloadType> payloadTypes) {
        this(flows, payloadTypes, List.of());
    }

    /** @param configurations the package's {@code @Configuration} classes, imported into every node's context */
    protected FlowPackage(List<FlowDefinition> flows, List<PayloadType> payloadTypes, List<Class<?>> configurations) {
        this.flows = List.copyOf(flows);
        this.payloadTypes = List.copyOf(payloadTypes);
        this.configurations = List.copyOf(configurations);
    }

    /** The package's flows, each with its own name. */
    public final List<FlowDefinition> flows() {
        return flows;
    }

    @Override
    public final List<PayloadType> payloadTypes() {
        return payloadTypes;
    }

    /**
     * The package's Spring configuration classes; a node imports them all (a class limits itself to a role with
     * {@code @ConditionalOnProperty("jukibus.role")}).
     */
    public final List<Class<?>> configurations() {
        return configurations;
    }
}
