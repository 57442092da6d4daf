package org.jukibus.flow.identity;

import java.util.List;
import java.util.Map;

/**
 * The identity-update operations of one node, as JMX sees them ({@code org.jukibus:node=<code>,type=IdentityUpdates};
 * Hawtio's JMX tab, Jolokia). "As of" operations run a scheduled job as if the clock showed that
 * time (ISO-8601 instant, e.g. {@code 2031-12-01T00:00:00Z}): an operator catching up after an outage,
 * and the tests, which cannot wait 5 years. They act on the real store and are recorded like the
 * scheduled runs. Registered as a {@link javax.management.StandardMBean} of this interface.
 */
public interface IdentityOperations {

    /** This node's code. */
    String getNode();

    /** Erasure (第6の7) as of this instant; returns how many identity records were erased. */
    int eraseAsOf(String instant);

    /** The cut-off check as of this instant (municipal and prefecture nodes); returns how many updates were reported MISSING. */
    int checkCutoffAsOf(String instant);

    /** The latest reconciliation outcomes, newest first: message id, outcome, detail, when (sending nodes only). */
    List<Map<String, Object>> reconciliations(int limit);

    /** Updates sent whose update-count list did not match or did not come (MISMATCH and MISSING outcomes noted). */
    long getReconciliationAlerts();
}
