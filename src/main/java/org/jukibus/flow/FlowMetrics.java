package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Per-flow counters the processors report to, scraped at {@code /actuator/prometheus} (every
 * meter also carries the tag {@code node}):
 * <ul>
 *   <li>{@code jukibus_flow_sent_total{flow}}: envelopes a peer's broker has stored</li>
 *   <li>{@code jukibus_flow_received_total{flow}}: envelopes delivered to this node's legacy outbox</li>
 *   <li>{@code jukibus_flow_refused_total{flow}}: envelopes the recipient's broker refused on a line that works (an
 *       address it lacks, a permission it does not give this node): parked, the peer not marked down</li>
 *   <li>{@code jukibus_flow_failed_total{flow,reason}}: messages dead-lettered, by reason</li>
 *   <li>{@code jukibus_flow_overdue_total{flow}}: messages sent that had no receipt in time (a warning)</li>
 *   <li>{@code jukibus_flow_unanswered_total{flow}}: messages sent that never had a receipt, reported not delivered
 *       before their status was forgotten (nondelivery.UnansweredMessages)</li>
 *   <li>{@code jukibus_flow_latency_seconds{flow}}: created-at in the envelope header to delivery, a histogram
 *       ({@code _bucket{le}}, 10 ms to 2 h, with the {@link #LATENCY_SLOS} among the bounds)</li>
 *   <li>{@code jukibus_dlq_depth{flow}}: dead letters waiting ({@link DeadLetterQueue})</li>
 *   <li>{@code jukibus_dlq_not_kept_total{producer}} and {@code jukibus_dlq_not_kept_bytes_total{producer}}: letters
 *       refused for a security reason past the producer's bound, kept as records or not at all
 *       ({@link UnopenedDeadLetters})</li>
 *   <li>queues, route failures, lifetimes and the clock: {@link QueueMetrics}, {@link RouteFailures},
 *       {@link LifetimeMetrics}</li>
 * </ul>
 */
public final class FlowMetrics {

    /** Flow tag of a message whose flow is not known (a dead letter from a queue no flow owns). */
    public static final String UNKNOWN_FLOW = "unknown";

    /** Buckets the alert rules and the dashboard ask about, beside the histogram's own (10 ms to 2 h). */
    static final Duration[] LATENCY_SLOS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMinutes(5), Duration.ofMinutes(30)};

    private final MeterRegistry registry;
    private final Clock clock;

    public FlowMetrics(MeterRegistry registry, Clock clock, Iterable<String> flows) {
        this.registry = registry;
        this.clock = clock;
        for (String flow : flows) { // present from the start, at 0, so a rate is defined
            sentCounter(flow);
            receivedCounter(flow);
            refusedCounter(flow);
            latencyTimer(flow);
        }
        // the series of this node's own replays, which are never bounded (UnopenedDeadLetters): 0 for good, so the
        // metric the JukibusDeadLettersNotKept alert reads is there from the start
        notKept(org.jukibus.broker.NodeSecurityManager.LOCAL_USER, 0, 0);
    }

    /** Metrics that go nowhere: for processors used outside a node (tests). */
    public static FlowMetrics none() {
        return new FlowMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), Clock.systemUTC(), java.util.List.of());
    }

    public void sent(String flow) {
        sentCounter(flow).increment();
    }

    /** A message was delivered; its latency runs from the sender's created-at to now. */
    public void received(String flow, Instant createdAt) {
        receivedCounter(flow).increment();
        if (createdAt != null) {
            Duration latency = Duration.between(createdAt, clock.instant());
            latencyTimer(flow).record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }

    public void failed(String flow, String reason) {
        Counter.builder("jukibus.flow.failed").description("Messages dead-lettered, by reason")
                .tag("flow", tag(flow)).tag("reason", reason == null ? "UNKNOWN" : reason)
                .register(registry).increment();
    }

    /**
     * A letter refused for a security reason and not kept whole, past its producer's bound. The tag is who the broker
     * authenticated: at most one per certificate the broker accepts, never a name the envelope chose.
     */
    public void notKept(String producer, long bytes) {
        notKept(producer, 1, bytes);
    }

    private void notKept(String producer, int letters, long bytes) {
        Counter.builder("jukibus.dlq.not.kept").description("Letters refused for a security reason and not kept whole, by producer")
                .tag("producer", producer).register(registry).increment(letters);
        Counter.builder("jukibus.dlq.not.kept.bytes").description("Their bytes")
                .tag("producer", producer).register(registry).increment(bytes);
    }

    /** A message this node sent was reported overdue: no receipt or answer in time. */
    public void overdue(String flow) {
        Counter.builder("jukibus.flow.overdue").description("Messages sent without a receipt in time")
                .tag("flow", tag(flow)).register(registry).increment();
    }

    /** A message this node sent never had a receipt or answer and was reported not delivered before it was forgotten. */
    public void unanswered(String flow) {
        Counter.builder("jukibus.flow.unanswered").description("Messages sent that never had a receipt, reported not delivered")
                .tag("flow", tag(flow)).register(registry).increment();
    }

    /** The recipient's broker refused one of this node's envelopes on a line that works (parked, the peer not marked down). */
    public void refusedByPeer(String flow) {
        refusedCounter(flow).increment();
    }

    private Counter refusedCounter(String flow) {
        return Counter.builder("jukibus.flow.refused").description("Envelopes the recipient's broker refused (parked)")
                .tag("flow", tag(flow)).register(registry);
    }

    private Counter sentCounter(String flow) {
        return Counter.builder("jukibus.flow.sent").description("Envelopes stored by the recipient's broker")
                .tag("flow", tag(flow)).register(registry);
    }

    private Counter receivedCounter(String flow) {
        return Counter.builder("jukibus.flow.received").description("Envelopes delivered to the legacy outbox")
                .tag("flow", tag(flow)).register(registry);
    }

    private Timer latencyTimer(String flow) {
        return Timer.builder("jukibus.flow.latency").description("Envelope created-at to delivery")
                .tag("flow", tag(flow)).publishPercentileHistogram().serviceLevelObjectives(LATENCY_SLOS)
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
    }

    private static String tag(String flow) {
        return flow == null || flow.isBlank() ? UNKNOWN_FLOW : flow;
    }
}
