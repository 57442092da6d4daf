package org.jukibus.management;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.timer.TimerEndpoint;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.ScheduledPollConsumer;
import org.jukibus.core.OnDemandRounds;
import org.jukibus.core.PeriodicJob;
import org.jukibus.flow.Outages;
import org.jukibus.logging.NodeThreads;

/**
 * The node's Camel {@code timer:} and {@code scheduler:} routes (identity erasure and cut-off checks, overdue receipts,
 * CRL renewal, certificate-copy timeouts, heartbeats, receipt batches, node status...) as periodic jobs of the node
 * ({@link PeriodicJob#watched}), under the same liveness as the others ({@link JobLiveness}: the metric
 * {@code jukibus_job_last_success_timestamp_seconds{periodic_job="route <id>"}}, the health component {@code jobs},
 * the alert {@code JukibusJobStopped}). A round of such a route that hangs (a store lock, a blocked send) throws
 * nothing: Camel's timer just never fires again, and the route looked started for ever.
 * <p>
 * One policy for every route (a {@link RoutePolicyFactory}, so no route file has to name it): a route that starts from
 * a timer or a scheduler is watched while it runs (its period, its first delay); a round ends normally when its
 * exchange completes without an exception, handled or not, or fails on an outage of the node ({@link Outages#failedOn}:
 * the store down or timing out, the operation log unwritable). Such a round ran and came back: the job is alive, and the
 * outage is reported as one ({@code scheduled-outages}: {@code JukibusScheduledOutage}, health {@code scheduled}).
 * Counted as no round, five minutes of store outage made every timer route a critical {@code JukibusJobStopped},
 * "restart the node", which cures nothing and loses what the node keeps in memory. A round that hangs (no exchange
 * done) still stops its job, and so do rounds failing on the operation log unwritable, which only a restart ends once
 * its disk is freed ({@link Outages#curedOnlyByRestart}). A scheduler that ticks only while there is work
 * ({@link OnDemandRounds}: the receipt batches) is never late while idle. Other routes are not touched.
 */
public final class RouteJobs implements RoutePolicyFactory {

    private final ThreadGroup node;

    /** Created on the node's thread: its routes' jobs are that node's ({@link NodeThreads#groupOf}). */
    public RouteJobs() {
        this.node = NodeThreads.groupOf(Thread.currentThread());
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new Watch();
    }

    /** The timing of a route that starts from a timer or a scheduler, or null for any other route. */
    record Timing(Duration first, Duration every, OnDemandRounds rounds) {
    }

    static Timing timingOf(Route route) {
        String uri = route.getEndpoint() == null ? "" : route.getEndpoint().getEndpointUri();
        if (route.getEndpoint() instanceof TimerEndpoint timer && timer.getPeriod() > 0) {
            return new Timing(Duration.ofMillis(Math.max(0, timer.getDelay())), Duration.ofMillis(timer.getPeriod()), null);
        }
        if (uri.startsWith("scheduler:") && route.getConsumer() instanceof ScheduledPollConsumer polled && polled.getDelay() > 0) {
            TimeUnit unit = polled.getTimeUnit();
            return new Timing(Duration.ofMillis(unit.toMillis(Math.max(0, polled.getInitialDelay()))),
                    Duration.ofMillis(unit.toMillis(polled.getDelay())),
                    polled.getScheduler() instanceof OnDemandRounds onDemand ? onDemand : null);
        }
        return null;
    }

    private final class Watch extends RoutePolicySupport {
        private volatile PeriodicJob job;

        @Override
        public void onStart(Route route) {
            Timing timing = timingOf(route);
            if (timing != null && job == null) {
                job = PeriodicJob.watched("route " + route.getRouteId(), timing.first(), timing.every(), node, timing.rounds());
            }
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            PeriodicJob watched = job;
            if (watched == null) {
                return;
            }
            boolean through = !exchange.isFailed() && exchange.getProperty(Exchange.EXCEPTION_CAUGHT) == null;
            if (through || (Outages.failedOn(exchange) && !Outages.curedOnlyByRestart(exchange))) {
                watched.roundEnded();
            }
        }

        @Override
        public void onStop(Route route) {
            forget();
        }

        @Override
        public void onSuspend(Route route) {
            forget();
        }

        @Override
        public void onResume(Route route) {
            onStart(route);
        }

        @Override
        public void onRemove(Route route) {
            forget();
        }

        private void forget() {
            PeriodicJob watched = job;
            job = null;
            if (watched != null) {
                watched.close();
            }
        }
    }
}
