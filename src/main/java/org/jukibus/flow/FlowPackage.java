package org.jukibus.flow;

import java.util.List;

import org.jukibus.envelope.PayloadTypes;

/**
 * A flow package's description of itself: its flows and the payload types they carry (schema, namespace).
 * {@link Flows#standard()} and {@link PayloadTypes#defaults()} collect every implementation under
 * {@code org.jukibus} (org.jukibus.core.Contributions), so adding a flow touches no list outside its package.
 * An implementation has a public no-argument constructor and keeps its definitions in static fields, which the
 * package's own code refers to.
 */
public interface FlowPackage extends PayloadTypes.Contributor {

    /** The package's flows, each with its own name. */
    List<FlowDefinition> flows();
}
