package org.jukibus.flow;

import org.apache.camel.Exchange;
import org.jukibus.adapter.file.WaitingFiles;

/**
 * Whether a failed exchange failed on an outage of the node (its store down or timing out, its operation log
 * unwritable, its broker at the disk bound...: {@link DeliveryFailures#outage}) rather than on what it carried. During
 * an outage every route that needs the store tries again and again (a drop folder every 5 s, a timer route at each
 * tick, a suspended queue's probe); those tries are not the route's failures, and a monitor that counts them as such
 * says "route failing" or "job stopped, restart the node" for what a restart does not cure
 * (management.RouteFailures, management.RouteJobs count them apart).
 */
public final class Outages {

    private Outages() {
    }

    /**
     * True if the exchange failed, handled or not, on an outage: a legacy input left to wait in its drop folder
     * ({@link WaitingFiles#WAITS}, set by {@link LegacyInputOutages}), or a failure {@link DeliveryFailures#outage}
     * names one.
     */
    public static boolean failedOn(Exchange exchange) {
        if (exchange.getProperty(WaitingFiles.WAITS) != null) {
            return true;
        }
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return failure != null && DeliveryFailures.outage(failure);
    }
}
