package org.jukibus.management;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailureHandledEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.jukibus.flow.Outages;

/**
 * {@code jukibus_route_failures_total{route}}: exchanges that failed in a Camel route, whether an error handler took
 * care of them (dead letter, legacy error folder) or not; counted by the route they started in. An exchange that failed
 * on an outage of the node ({@link Outages#failedOn}: the store down or timing out, the operation log unwritable, the
 * broker at its disk bound) is counted in {@code jukibus_route_outage_failures_total{route}} instead: during an outage
 * every timer route fails at each tick and every delivery try fails, which made {@code JukibusRouteFailures} ("route
 * fails") fire for every outage; {@code JukibusOutage} names it. (A drop folder's waiting try is handled without a step,
 * which Camel reports as no failure: it is in neither counter, but in adapter.file.WaitingFiles' gauges.) Every route's counters exist from the start, at
 * 0, so a rate is defined.
 */
public final class RouteFailures extends EventNotifierSupport {

    private final MeterRegistry registry;

    public RouteFailures(MeterRegistry registry) {
        this.registry = registry;
        setIgnoreCamelContextEvents(false);
        setIgnoreExchangeEvents(false);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public void notify(org.apache.camel.spi.CamelEvent event) {
        if (event instanceof CamelContextStartedEvent started) {
            for (Route route : started.getContext().getRoutes()) {
                counter(route.getRouteId());
                outageCounter(route.getRouteId());
            }
        } else if (event instanceof ExchangeFailedEvent || event instanceof ExchangeFailureHandledEvent) {
            Exchange exchange = ((ExchangeEvent) event).getExchange();
            String route = exchange.getFromRouteId() == null ? "unknown" : exchange.getFromRouteId();
            (Outages.failedOn(exchange) ? outageCounter(route) : counter(route)).increment();
        }
    }

    private Counter outageCounter(String route) {
        return Counter.builder("jukibus.route.outage.failures")
                .description("Exchanges that failed in the route on an outage of the node (store, operation log, broker disk), not on what they carried")
                .tag("route", route).register(registry);
    }

    private Counter counter(String route) {
        return Counter.builder("jukibus.route.failures").description("Exchanges that failed in the route, handled or not, other than on an outage")
                .tag("route", route).register(registry);
    }
}
