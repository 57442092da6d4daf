package org.jukibus.management;

import org.jukibus.core.Param;
import org.jukibus.core.Description;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter operations of one node, as JMX sees them ({@code org.jukibus:node=<code>,type=DeadLetters}):
 * Hawtio's JMX tab runs them, and {@code jukibus dlq} calls them through the node's Jolokia endpoint.
 * {@code flow} may be empty for every flow.
 *
 * <p>Registered explicitly as a {@link javax.management.StandardMBean} of this interface, not
 * named {@code ...MBean}: Spring's JMX exporter would otherwise export the bean a second time
 * under its own name.
 */
public interface DeadLetterOperations {

    /** This node's code. */
    @Description("This node's code")
    String getNode();

    /** Dead letters waiting, all flows. */
    @Description("Dead letters waiting, all flows")
    long getDepth();

    /** Dead letters of a flow (or all): id, flow, reason, detail, when, where from; never the body. */
    @Description("Lists the dead letters of a flow (or all): id, flow, reason, detail, when, where from; never the body")
    List<Map<String, Object>> list(@Param(name = "flow", value = "the flow, e.g. transfer-in; empty for every flow") String flow);

    /** One dead letter with every property and the size and digest of its (still encrypted) body. */
    @Description("Shows one dead letter: every property, the size and digest of its still encrypted body")
    Map<String, Object> show(@Param(name = "id", value = "the dead letter's message id, as list shows it") String id);

    /** Puts one dead letter back on the queue it failed on, as the node itself; returns that queue. */
    @Description("Puts one dead letter back on the queue it failed on (permission dlq.replay for its flow); returns that queue")
    String replay(@Param(name = "id", value = "the dead letter's message id, as list shows it") String id);

    /**
     * Seals a message of this node that could not leave it (reason EXPIRED, UNKNOWN_RECIPIENT or RECIPIENT_REVOKED, from
     * the outbound queue) again from its kept payload: a fresh envelope with a new message id, to the recipient the
     * directory lists now, put on the outbound queue; returns "old id as new id for recipient".
     */
    @Description("Seals a message that could not leave this node (EXPIRED, UNKNOWN_RECIPIENT, RECIPIENT_REVOKED) again as a fresh envelope with a new message id")
    String resend(@Param(name = "id", value = "the dead letter's message id (EXPIRED, UNKNOWN_RECIPIENT or RECIPIENT_REVOKED, from jukibus.outbound)") String id);

    /** Replays every dead letter of a flow (or all); returns how many. */
    @Description("Replays every dead letter of a flow (or all); returns how many")
    int replayAll(@Param(name = "flow", value = "the flow, e.g. transfer-in; empty for every flow") String flow);

    /** Removes the dead letters of a flow (or all) for good; refuses unless {@code confirm}. Returns how many. */
    @Description("Removes the dead letters of a flow (or all) for good (permission dlq.purge), first sending each sender still owed a non-delivery notice its notice (one that cannot be sent now stays, owed); returns how many")
    int purge(@Param(name = "flow", value = "the flow, e.g. transfer-in; empty for every flow") String flow,
              @Param(name = "confirm", value = "true to really remove them; false refuses") boolean confirm);
}
