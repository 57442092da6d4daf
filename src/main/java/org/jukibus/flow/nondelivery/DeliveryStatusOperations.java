package org.jukibus.flow.nondelivery;

import org.jukibus.core.Description;

/**
 * What an operator reads about delivery status back to the sender, as JMX sees it
 * ({@code org.jukibus:node=<code>,type=DeliveryStatus}; Hawtio's JMX tab, Jolokia). Registered as a
 * {@link javax.management.StandardMBean} of this interface.
 */
public interface DeliveryStatusOperations {

    /** This node's code. */
    @Description("This node's code")
    String getNode();

    /** Messages this node sent that were reported overdue and still have no receipt. */
    @Description("Messages this node sent that were reported overdue and still have no receipt")
    int getOverdueMessages();
}
