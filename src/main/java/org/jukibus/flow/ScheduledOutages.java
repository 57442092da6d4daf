package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.RouteStoppedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's timer routes (heartbeats, receipt batches, owed notices, erasure, overdue checks: routes/common/
 * error-handling.yaml, {@code scheduled-outages}) while something they all need is out ({@link DeliveryFailures#outage}:
 * the store down, the operation log unwritable). Each run failed with an ERROR and a stack trace, every few seconds for
 * as long as the store was down: thousands of lines that said one thing and buried everything else. Now a run that
 * fails on an outage is logged once per episode and route (WARN, with the cause), at DEBUG after that, and the first
 * run that goes through again ends the episode (INFO, how long and how many runs failed), and those of the other
 * routes with the same cause (an hourly job would otherwise be reported failing for an hour after the store is back; a
 * route stopped ends its own). The run is not retried: the
 * timer runs the route again at its next tick, as before. A failure that is no outage (a bug) is not handled here and
 * logs as ever.
 * <p>
 * Visible besides the log: {@code jukibus_scheduled_outage{route}} (1 while the route's runs fail on an outage, every
 * timer route's gauge from the start, at 0), {@code jukibus_scheduled_outages_total{route}} (episodes), the runs in
 * {@code jukibus_route_outage_failures_total{route}} ({@link Outages}: not route failures, and no stopped job), and the health component {@code scheduled}: each route failing, by what
 * cause and since when ({@link #failing()}).
 */
public final class ScheduledOutages extends EventNotifierSupport {

    private static final Logger log = LoggerFactory.getLogger(ScheduledOutages.class);

    /** One route whose runs fail on an outage, as an operator sees it. */
    public record Failing(String route, String cause, Instant since, long runs) {
    }

    private static final class Episode {
        String cause;
        final Instant since;
        long runs;

        Episode(String cause, Instant since) {
            this.cause = cause;
            this.since = since;
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Episode> episodes = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    public ScheduledOutages(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        setIgnoreCamelContextEvents(false);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreRouteEvents(false);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /** The route configuration's {@code onWhen}: whether the run failed on an outage (then handled here, not logged by Camel). */
    public boolean outage(Exchange exchange) {
        // a split's part (a send of scheduled-send) is not handled here: its failure fails the run, before "sent"
        return exchange.getProperty(Exchange.CORRELATION_ID) == null
                && DeliveryFailures.outage(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** A run of the exchange's route failed on an outage: logged if it starts an episode, else counted. */
    public void failed(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String route = routeOf(exchange);
        String cause = DeliveryFailures.cause(failure);
        boolean[] started = {false};
        Episode episode = episodes.compute(route, (r, e) -> {
            if (e == null) {
                started[0] = true;
                e = new Episode(cause, clock.instant());
            }
            e.cause = cause;
            e.runs++;
            return e;
        });
        if (started[0]) {
            counter(route).increment();
            gauge(route);
            log.warn("route {}: {} ({}); its runs fail until it is back, each run again at its next tick, logged once"
                    + " until one goes through", route, cause, failure == null ? "" : failure.getMessage());
        } else {
            log.debug("route {}: still {} ({} runs failed since {})", route, cause, episode.runs, episode.since);
        }
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelContextStartedEvent started) {
            for (Route route : started.getContext().getRoutes()) {
                if (route.getEndpoint() != null && route.getEndpoint().getEndpointUri().startsWith("timer:")) {
                    gauge(route.getRouteId());
                    counter(route.getRouteId());
                }
            }
        } else if (event instanceof ExchangeCompletedEvent completed) {
            Exchange exchange = completed.getExchange();
            if (episodes.isEmpty() || exchange.isFailed() || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null
                    || exchange.getProperty(Exchange.CORRELATION_ID) != null) {
                return; // a split's part that went through says nothing of the run it belongs to
            }
            String route = routeOf(exchange);
            Episode ended = episodes.remove(route);
            if (ended != null) {
                log.info("route {} runs again: {} had failed {} run(s) of it for {}", route, ended.cause, ended.runs,
                        Duration.between(ended.since, clock.instant()).truncatedTo(ChronoUnit.SECONDS));
                // the same cause passed for the others too: a route that runs hourly (erasure, CRL renewal) must not
                // stay reported failing for an hour after the store is back
                episodes.entrySet().removeIf(e -> {
                    boolean same = e.getValue().cause.equals(ended.cause);
                    if (same) {
                        log.info("route {}: {} has passed (route {} ran through); it runs again at its next tick",
                                e.getKey(), ended.cause, route);
                    }
                    return same;
                });
            }
        } else if (event instanceof RouteStoppedEvent stopped) {
            episodes.remove(stopped.getRoute().getRouteId()); // a route switched off reports nothing
        }
    }

    /** The routes whose runs fail on an outage now, by name. */
    public List<Failing> failing() {
        return episodes.entrySet().stream().map(e -> new Failing(e.getKey(), e.getValue().cause, e.getValue().since, e.getValue().runs))
                .sorted(Comparator.comparing(Failing::route)).toList();
    }

    private static String routeOf(Exchange exchange) {
        String route = exchange.getFromRouteId();
        return route == null ? "unknown" : route;
    }

    /** Registers the route's gauge once (Micrometer warns of a second registration). */
    private void gauge(String route) {
        gauges.computeIfAbsent(route, r -> Gauge.builder("jukibus.scheduled.outage", episodes, e -> e.containsKey(r) ? 1 : 0)
                .description("1 while the timer route's runs fail on an outage (the store down, the operation log unwritable)")
                .tag("route", r).register(registry));
    }

    private Counter counter(String route) {
        return counters.computeIfAbsent(route, r -> Counter.builder("jukibus.scheduled.outages")
                .description("Outage episodes of the timer route: each begins with a failed run and ends with one that went through")
                .tag("route", r).register(registry));
    }
}
