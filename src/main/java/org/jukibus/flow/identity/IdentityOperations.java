package org.jukibus.flow.identity;

import java.util.List;
import java.util.Map;

import org.jukibus.core.Description;
import org.jukibus.core.Param;

/**
 * The identity-update operations of one node, as JMX sees them ({@code org.jukibus:node=<code>,type=IdentityUpdates};
 * Hawtio's JMX tab, Jolokia). "As of" operations run a scheduled job as if the clock showed that
 * time (ISO-8601 instant, e.g. {@code 2031-12-01T00:00:00Z}): an operator catching up after an outage,
 * and the tests, which cannot wait 5 years. They act on the real store and are recorded like the
 * scheduled runs. Registered as a {@link javax.management.StandardMBean} of this interface.
 */
public interface IdentityOperations {

    /** This node's code. */
    @Description("This node's code")
    String getNode();

    /** Erasure (第6の7) as of this instant; returns how many identity records were erased. */
    @Description("Runs the erasure (第6の7) as if the clock showed this instant; returns how many records were erased")
    int eraseAsOf(@Param(name = "instant", value = "ISO-8601 instant, e.g. 2031-12-01T00:00:00Z") String instant);

    /** The cut-off check as of this instant (municipal and prefecture nodes); returns how many updates were reported MISSING. */
    @Description("Runs the cut-off check of the update-count lists as of this instant; returns how many updates were reported MISSING")
    int checkCutoffAsOf(@Param(name = "instant", value = "ISO-8601 instant, e.g. 2026-12-02T00:00:00Z") String instant);

    /** The latest reconciliation outcomes, newest first: message id, outcome, detail, when (sending nodes only). */
    @Description("The latest reconciliation outcomes, newest first: message id, outcome, detail, when")
    List<Map<String, Object>> reconciliations(@Param(name = "limit", value = "how many, at most") int limit);

    /** Updates sent whose update-count list did not match or did not come (MISMATCH and MISSING outcomes noted). */
    @Description("Updates sent whose update-count list did not match or did not come")
    long getReconciliationAlerts();
}
