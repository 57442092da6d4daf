package org.jukibus.management;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailureHandledEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * {@code jukibus_route_failures_total{route}}: exchanges that failed in a Camel route, whether an error handler took
 * care of them (dead letter, legacy error folder) or not; counted by the route they started in. Every route's
 * counter exists from the start, at 0, so a rate is defined.
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
            }
        } else if (event instanceof ExchangeFailedEvent || event instanceof ExchangeFailureHandledEvent) {
            String route = ((ExchangeEvent) event).getExchange().getFromRouteId();
            counter(route == null ? "unknown" : route).increment();
        }
    }

    private Counter counter(String route) {
        return Counter.builder("jukibus.route.failures").description("Exchanges that failed in the route, handled or not")
                .tag("route", route).register(registry);
    }
}
