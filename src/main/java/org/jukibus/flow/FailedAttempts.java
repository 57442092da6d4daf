package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failed attempts of the broker-fed routes (deliveries, forwards, trust), each of which rolls its transaction back
 * and has the broker redeliver the message with backoff. A cause is logged once per episode (WARN, with the stack
 * trace when it is {@link DeliveryFailures.Kind#UNCLASSIFIED}), each further attempt at DEBUG: Camel's own two lines
 * per message and attempt (TransactionErrorHandler, EndpointMessageListener) are silenced (application.properties,
 * camel.component.jms.*), since a peer or the store down for days with 10,000 messages waiting wrote millions of
 * them. An episode ends when the cause has not been seen for {@link #QUIET}, or when the last message waiting on it
 * goes through (logged at INFO).
 * <p>
 * {@code jukibus_delivery_waiting{route}}: messages whose last attempt failed transiently and that have gone neither
 * through nor to the dead-letter queue since (a message not tried again within {@link #QUIET}, taken off the queue by
 * an operator say, is no longer counted); every route's gauge exists from the start, at 0, for the alert
 * JukibusDeliveriesWaiting. The cause is in the log line.
 */
public final class FailedAttempts extends EventNotifierSupport {

    /** Longer than the longest redelivery delay (broker-config: 60 s), so a waiting message is seen again within it. */
    static final Duration QUIET = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(FailedAttempts.class);

    private record Waiting(String route, String cause, Instant lastAttempt) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    /** by JMS message id */
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    /** by route and cause: the last failed attempt */
    private final Map<String, Instant> episodes = new ConcurrentHashMap<>();

    public FailedAttempts(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        setIgnoreCamelContextEvents(false);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelContextStartedEvent started) {
            for (Route route : started.getContext().getRoutes()) {
                gauge(route.getRouteId());
            }
        } else if (event instanceof ExchangeFailedEvent failed) {
            failed(failed.getExchange());
        } else if (event instanceof ExchangeCompletedEvent completed && !waiting.isEmpty()) {
            wentThrough(completed.getExchange());
        }
    }

    /** Not handled: the transaction rolls back and the broker redelivers the message (or the caller sees the failure). */
    void failed(Exchange exchange) {
        String messageId = exchange.getIn().getHeader("JMSMessageID", String.class);
        if (messageId == null) {
            return; // not a message from the broker: its caller reports the failure (a file's .error report, a form)
        }
        Throwable failure = exchange.getException();
        DeliveryFailures.Kind kind = DeliveryFailures.classify(failure);
        String cause = DeliveryFailures.cause(failure);
        String route = String.valueOf(exchange.getFromRouteId());
        Instant now = clock.instant();
        if (kind == DeliveryFailures.Kind.TRANSIENT) {
            waiting.put(messageId, new Waiting(route, cause, now));
        }
        Instant last = episodes.put(route + " " + cause, now);
        // a last line "later than now" was logged before the clock was moved back: a new episode, not a quiet one
        if (last == null || last.isAfter(now) || last.plus(QUIET).isBefore(now)) {
            String what = kind == DeliveryFailures.Kind.TRANSIENT
                    ? "messages wait, tried again with backoff for as long as it lasts"
                    : "messages are tried again and dead-lettered after jukibus.delivery.max-attempts";
            // the stack trace for a bug only; a known transient cause is named well enough by its message
            log.warn("route {}: {} ({}): {}; logged again once quiet for {}", route, cause, failure.getMessage(), what, QUIET,
                    kind == DeliveryFailures.Kind.UNCLASSIFIED ? failure : null);
        } else if (log.isDebugEnabled()) {
            log.debug("route {}: message {} failed again: {}", route, messageId, failure.getMessage());
        }
    }

    /** Delivered, forwarded or dead-lettered: no longer waiting; the last one of its cause ends the episode. */
    void wentThrough(Exchange exchange) {
        String messageId = exchange.getIn().getHeader("JMSMessageID", String.class);
        Waiting done = messageId == null ? null : waiting.remove(messageId);
        if (done != null && count(done.route(), done.cause()) == 0 && episodes.remove(done.route() + " " + done.cause()) != null) {
            log.info("route {}: {} has passed: the messages that waited on it went through", done.route(), done.cause());
        }
    }

    private int count(String route, String cause) {
        Instant now = clock.instant();
        Instant since = now.minus(QUIET);
        // an attempt "later than now" dates from before the clock was moved back: aged out like an old one
        waiting.values().removeIf(w -> w.lastAttempt().isBefore(since) || w.lastAttempt().isAfter(now));
        return (int) waiting.values().stream()
                .filter(w -> w.route().equals(route) && (cause == null || w.cause().equals(cause))).count();
    }

    /** The messages of {@code route} waiting on a transient failure (registered again: the same gauge). */
    void gauge(String route) {
        Gauge.builder("jukibus.delivery.waiting", () -> count(route, null))
                .description("Messages waiting on a transient failure, tried again with backoff")
                .tag("route", route).register(registry);
    }
}
