package org.jukibus.flow;

import org.apache.camel.Exchange;
import org.jukibus.adapter.file.WaitingFiles;
import org.jukibus.audit.OperationLogUnwritable;

/**
 * Whether a failed exchange failed on an outage of the node (its store down or timing out, its operation log
 * unwritable, its broker at the disk bound...: {@link DeliveryFailures#outage}) rather than on what it carried. During
 * an outage every route that needs the store tries again and again (a timer route at each tick, a delivery, a
 * suspended queue's probe, a drop folder's try); those tries are not the route's failures, and a monitor that counts them as such
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

    /**
     * True if the exchange failed on an outage that only a restart ends once its cause is fixed: the operation log
     * unwritable ({@link OperationLogUnwritable}: it stays stopped until the node restarts, deployment.md). A timer
     * round failing on it is no round for the job's liveness, so that {@code JukibusJobStopped} ("restart the node")
     * still fires for it.
     */
    public static boolean curedOnlyByRestart(Exchange exchange) {
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OperationLogUnwritable) {
                return true;
            }
        }
        return false;
    }
}
