package org.jukibus.flow;

import java.util.List;

import org.jukibus.envelope.PayloadTypes;
import org.jukibus.envelope.PayloadTypes.PayloadType;

/**
 * A flow package's description of itself: its flows and the payload types they carry (schema, namespace).
 * {@link Flows#standard()} and {@link PayloadTypes#defaults()} collect every subclass under {@code org.jukibus}
 * (org.jukibus.core.Contributions), so adding a flow touches no list outside its package. A subclass has a public
 * no-argument constructor that passes its definitions, which it keeps in static fields for the package's own code.
 */
public abstract class FlowPackage implements PayloadTypes.Contributor {

    private final List<FlowDefinition> flows;
    private final List<PayloadType> payloadTypes;

    protected FlowPackage(List<FlowDefinition> flows, List<PayloadType> payloadTypes) {
        this.flows = List.copyOf(flows);
        this.payloadTypes = List.copyOf(payloadTypes);
    }

    /** The package's flows, each with its own name. */
    public final List<FlowDefinition> flows() {
        return flows;
    }

    @Override
    public final List<PayloadType> payloadTypes() {
        return payloadTypes;
    }
}
