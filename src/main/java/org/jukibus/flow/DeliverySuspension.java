package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.apache.camel.spi.CamelEvent.RouteStoppingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an inbound queue's delivery while something every delivery needs is out (the store down, the legacy outbox
 * or the evidence disk unwritable, the certification authority unreachable: {@link DeliveryFailures#outage}), and tries
 * one message at a time until a delivery goes through.
 * <p>
 * Why: a rolled-back message waits out its redelivery delay in the broker's memory, counted toward neither
 * {@code global-max-size} nor {@code max-read-page-bytes}; with every message of the queue taking its turn to fail, a
 * weekend's outage with a large inbound backlog read the whole backlog into the heap (docs/deployment.md). Suspended,
 * the route's consumers wait here, in {@link #pass} (the first step of routes/common/flow-templates.yaml's
 * {@code peer-delivery}), each with the one message it received, uncommitted and untried: at most
 * {@code jukibus.delivery.consumers} messages are held, their delivery counts do not grow, and the backlog stays in the
 * queue's pages. One of them at a time (the one that waited longest, so that one message that keeps failing cannot
 * stop the others) is the probe, after {@code jukibus.delivery.suspended-retry} doubling to
 * {@code jukibus.delivery.suspended-retry-max}: delivered, the queue is resumed and every consumer goes on; failing with
 * the outage again, the wait doubles; dead-lettered, it says nothing about the outage and left the queue, and the next
 * probe follows at once (a run of bad envelopes, a hostile peer's say, must not hold the others a wait each); rolled
 * back for another reason (a bug), the next probe follows after the same wait. A suspended queue left with nothing to
 * hold (empty, no consumer waiting or trying: its messages left otherwise) is resumed when next looked at ({@code state}). A suspension within
 * {@code suspended-retry-max} of a resume continues the episode ({@code suspend}). A failure for good is dead-lettered as before, also while suspended, and
 * never starts a suspension; nor does a failure of one message alone ({@link TransientFailure#ofThisMessage}, a lost
 * race in the store), which a peer could cause with its own messages.
 * <p>
 * Nothing is lost or doubled by it: a held message is in its consumer's open transaction, so a crash leaves it on the
 * queue, and a message delivered before a crash is refused as a redelivery by the seen-message record as ever
 * ({@link SeenMessages}). When the node or the route stops, the held messages are rolled back
 * ({@link #STOPPING}, no outage).
 * <p>
 * Visible as a WARN line once per episode naming the queue and the cause, an INFO line when it first ends, the gauge
 * {@code jukibus_delivery_suspended{queue}} (1 while suspended), the counter {@code jukibus_delivery_suspensions_total},
 * and the health component {@code delivery}
 * ({@link #suspended()}), which the node's heartbeat carries to central.
 */
public final class DeliverySuspension extends EventNotifierSupport {

    /** A held message rolled back because its route or the node stops: no outage, it is delivered after the start. */
    public static final String STOPPING = "DELIVERY_STOPPING";

    private static final Logger log = LoggerFactory.getLogger(DeliverySuspension.class);
    private static final Pattern INBOUND = Pattern.compile(".*queue:(jukibus\\.inbound\\.[^?]+)(\\?.*)?");

    /** One suspended queue as an operator sees it. */
    public record Suspended(String queue, String cause, Instant since, long probes) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration firstWait;
    private final Duration longestWait;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final ToLongFunction<String> depth;
    private volatile boolean stopping;

    /**
     * @param firstWait   the wait before the first probe of a suspension ({@code jukibus.delivery.suspended-retry})
     * @param longestWait the longest wait between probes ({@code jukibus.delivery.suspended-retry-max})
     */
    public DeliverySuspension(MeterRegistry registry, Clock clock, Duration firstWait, Duration longestWait) {
        this(registry, clock, firstWait, longestWait, null);
    }

    /**
     * @param depth the messages in a queue by its name, held and waiting a redelivery delay included (Artemis'
     *              {@code getMessageCount}); null: unknown, a suspension then ends only with a delivered try
     */
    public DeliverySuspension(MeterRegistry registry, Clock clock, Duration firstWait, Duration longestWait,
                              ToLongFunction<String> depth) {
        if (firstWait.isNegative() || firstWait.isZero() || longestWait.compareTo(firstWait) < 0) {
            throw new IllegalArgumentException("jukibus.delivery.suspended-retry must be positive and at most"
                    + " jukibus.delivery.suspended-retry-max (" + firstWait + ", " + longestWait + ")");
        }
        this.registry = registry;
        this.clock = clock;
        this.firstWait = firstWait;
        this.longestWait = longestWait;
        this.depth = depth;
        setIgnoreCamelContextEvents(false);
        setIgnoreRouteEvents(false);
        setIgnoreExchangeEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /**
     * The route's first step: returns at once while the queue is not suspended; while it is, holds the consumer's
     * thread (and its message, untried) until the queue is resumed or this message is the probe.
     *
     * @throws TransientFailure {@link #STOPPING} when the route or the node stops meanwhile (the message is rolled back)
     */
    public void pass(Exchange exchange) throws TransientFailure {
        String name = queueOf(exchange.getFromEndpoint());
        if (name == null) {
            throw new IllegalStateException("route " + exchange.getFromRouteId() + " does not consume an inbound queue");
        }
        Queue queue = queues.computeIfAbsent(name, n -> register(n, exchange.getFromRouteId()));
        boolean probe = queue.await();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                queue.ended(done, false, probe);
            }

            @Override
            public void onFailure(Exchange done) {
                queue.ended(done, true, probe);
            }
        });
    }

    /** The queues suspended now. */
    public List<Suspended> suspended() {
        return queues.values().stream().map(Queue::state).filter(Objects::nonNull).toList();
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelContextStoppingEvent) {
            stopping = true;
            queues.values().forEach(Queue::wake);
        } else if (event instanceof CamelContextStartedEvent started) {
            stopping = false;
            for (Route route : started.getContext().getRoutes()) { // every gauge from the start, at 0
                String name = queueOf(route.getEndpoint());
                if (name != null) {
                    queues.computeIfAbsent(name, n -> register(n, route.getRouteId()));
                }
            }
        } else if (event instanceof RouteStoppingEvent stoppingRoute) {
            String route = stoppingRoute.getRoute().getRouteId();
            queues.values().stream().filter(q -> q.route.equals(route)).forEach(Queue::stop);
        }
    }

    /** The inbound queue an endpoint consumes ({@code jms://queue:jukibus.inbound.<flow>}), or null. */
    static String queueOf(Endpoint endpoint) {
        return endpoint == null ? null : queueOf(endpoint.getEndpointBaseUri());
    }

    static String queueOf(String endpointUri) {
        Matcher queue = INBOUND.matcher(endpointUri);
        return queue.matches() ? queue.group(1) : null;
    }

    private Queue register(String name, String route) {
        Queue queue = new Queue(name, route);
        Gauge.builder("jukibus.delivery.suspended", () -> queue.state() == null ? 0 : 1)
                .description("1 while delivery from the inbound queue is suspended by an outage, tried one message at a time")
                .tag("queue", name).register(registry);
        return queue;
    }

    /** One inbound queue: whether it is suspended, and its consumers waiting in turn for the probe. */
    private final class Queue {
        final String name;
        final String route;
        private boolean suspended;
        private String cause;
        private Instant since;
        private Duration wait;
        /** When the next probe may start, by the node clock. */
        private Instant nextProbe;
        private boolean probing;
        private long probes;
        /** The resumes of this episode so far; the last one, by the node clock. */
        private int resumes;
        private Instant resumedAt;
        private final io.micrometer.core.instrument.Counter suspensions;
        /** The consumers waiting, by arrival: the first is the next probe. */
        private final TreeSet<Long> waiting = new TreeSet<>();
        private long tickets;
        /** Bumped when the route stops: the consumers waiting then give their messages back. */
        private long stops;

        Queue(String name, String route) {
            this.name = name;
            this.route = route;
            this.suspensions = io.micrometer.core.instrument.Counter.builder("jukibus.delivery.suspensions")
                    .description("Times delivery from the inbound queue was suspended by an outage (again within an episode too)")
                    .tag("queue", name).register(registry);
        }

        /** Returns whether this consumer's message is the probe; waits while the queue is suspended. */
        synchronized boolean await() throws TransientFailure {
            if (!suspended) {
                return false;
            }
            long ticket = tickets++;
            long stopsThen = stops;
            waiting.add(ticket);
            try {
                while (suspended) {
                    if (stopping || stops != stopsThen) {
                        throw TransientFailure.ofThisMessage(STOPPING, "delivery from " + name
                                + " was suspended when its route stopped: the message stays on the queue", null);
                    }
                    Instant now = clock.instant();
                    if (now.isBefore(nextProbe.minus(wait))) {
                        nextProbe = now.plus(wait); // the node clock was moved back (a drill's end): not a longer wait
                    }
                    if (!probing && waiting.first() == ticket && !now.isBefore(nextProbe)) {
                        probing = true;
                        probes++;
                        return true;
                    }
                    wait(pause(now));
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TransientFailure.ofThisMessage(STOPPING, "interrupted while delivery from " + name + " was suspended", e);
            } finally {
                waiting.remove(ticket);
                notifyAll(); // the next in line may be the probe now
            }
        }

        /** How long to wait before looking again: until the next probe is due, at most the present wait. */
        private long pause(Instant now) {
            if (probing) {
                return wait.toMillis();
            }
            long due = Duration.between(now, nextProbe).toMillis();
            return Math.max(1, Math.min(due, wait.toMillis()));
        }

        /**
         * An exchange that passed {@link #await} is done: what its outcome says about the outage. {@code failed}: it
         * failed and its transaction rolls back; else it completed, delivered or (with {@link Exchange#EXCEPTION_CAUGHT})
         * dead-lettered.
         */
        synchronized void ended(Exchange exchange, boolean failed, boolean probe) {
            Throwable failure = failed ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            Instant now = clock.instant();
            if (failure != null && DeliveryFailures.outage(failure)) {
                String failedOn = DeliveryFailures.cause(failure);
                if (!suspended) {
                    suspend(now, failedOn, failure);
                } else if (probe) {
                    cause = failedOn;
                    wait = doubled(wait);
                    nextProbe = now.plus(wait);
                    log.debug("delivery from {} still suspended: {} ({}); next try in {}", name, failedOn, failure.getMessage(), wait);
                }
            } else if (probe && Boolean.TRUE.equals(exchange.getProperty(InboundDelivery.HELD))) {
                // held as made in this node's future (ClockAheadHold): it left the queue without touching what the
                // outage is about, and a peer that dates its envelopes ahead must not end another queue's suspension
                nextProbe = now;
            } else if (probe && failure == null) {
                suspended = false;
                resumedAt = now;
                String after = Duration.between(since, now).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (" + probes + " tries)";
                if (resumes++ == 0) {
                    log.info("delivery from {} resumed: a message was delivered after {} had suspended it for {}", name, cause, after);
                } else {
                    log.debug("delivery from {} resumed again, {} since {} first suspended it", name, after, cause);
                }
            } else if (probe && !failed) {
                nextProbe = now; // dead-lettered: it left the queue, no verdict on the outage, the next one is tried at once
            } else if (probe) {
                nextProbe = now.plus(wait); // rolled back for another reason (a bug, this message's own race): no verdict
            }
            if (probe) {
                probing = false;
            }
            notifyAll();
        }

        /**
         * Suspends the queue. Within {@code longestWait} of the last resume it is the same episode (an outbox that takes
         * small files and not large ones, a store that comes and goes): the wait goes on doubling from where it was, and
         * neither a WARN nor a resume's INFO is logged again, so that a flapping cause neither floods the log nor lets
         * the consumers fail a burst of messages into the broker's memory every second.
         */
        private void suspend(Instant now, String failedOn, Throwable failure) {
            suspended = true;
            cause = failedOn;
            suspensions.increment();
            boolean sameEpisode = resumedAt != null && !now.isBefore(resumedAt) && now.isBefore(resumedAt.plus(longestWait));
            if (sameEpisode) {
                wait = doubled(wait);
                nextProbe = now.plus(wait);
                log.debug("delivery from {} suspended again: {} ({}); next try in {}", name, failedOn, failure.getMessage(), wait);
                return;
            }
            since = now;
            probes = 0;
            resumes = 0;
            wait = firstWait;
            nextProbe = now.plus(wait);
            log.warn("delivery from {} suspended: {} ({}); the consumers hold at most one message each and one"
                    + " message is tried after {}, then after twice as long up to {}, until one is delivered",
                    name, failedOn, failure.getMessage(), firstWait, longestWait);
        }

        private Duration doubled(Duration wait) {
            Duration twice = wait.multipliedBy(2);
            return twice.compareTo(longestWait) > 0 ? longestWait : twice;
        }

        synchronized void wake() {
            notifyAll();
        }

        synchronized void stop() {
            stops++;
            notifyAll();
        }

        /**
         * The queue as an operator sees it; null when not suspended. A suspended queue that holds nothing any more (no
         * consumer waiting or trying, no message in it: every one left otherwise, dead-lettered by
         * {@code transient-max-attempts}, expired, moved by an operator) is resumed here: there is nothing left to
         * hold, and a suspension that stayed reported until the next message arrived kept the alert firing and the
         * health DOWN after the fix. Looked at whenever the gauge or the health is read (every heartbeat, every scrape).
         * The count includes the messages the consumers have received and not yet passed here, so a message on its way
         * to {@link #await} keeps it suspended.
         */
        synchronized Suspended state() {
            if (suspended && !probing && waiting.isEmpty() && depth != null && depth.applyAsLong(name) == 0) {
                Instant now = clock.instant();
                suspended = false;
                resumedAt = now;
                resumes++;
                log.info("delivery from {} resumed: the queue is empty, every message held since {} suspended it {} ago left it"
                        + " otherwise (dead-lettered or moved)", name, cause,
                        Duration.between(since, now).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                notifyAll();
            }
            return suspended ? new Suspended(name, cause, since, probes) : null;
        }
    }
}
