package org.jukibus.management;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import org.jukibus.core.PeriodicJob;
import org.jukibus.logging.NodeThreads;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Whether a node's periodic jobs ({@link PeriodicJob}: erasure, purges, owed notices, audit seals, link rechecks,
 * parked envelopes, queue metrics) still finish their rounds. A round that hangs throws nothing and logs nothing; the
 * job just stops, for good (and the queue metrics' gauges freeze at their last values, so the backlog alerts never
 * fire). What says so:
 * <ul>
 *   <li>{@code jukibus_job_last_success_timestamp_seconds{periodic_job}}: when the job's last round ended normally, by the
 *       node's clock (before any did: when its first round was due), and {@code jukibus_job_late_after_seconds{periodic_job}},
 *       the alert's bound ({@code JukibusJobStopped} in monitoring/prometheus-alerts.yml). Not {@code job}: Prometheus
 *       keeps that label for the scrape job and would rename this one {@code exported_job};</li>
 *   <li>the health component {@code jobs} (and so the heartbeat): DOWN while a job has not finished a round for
 *       {@link #lateAfter}: three intervals, and at least {@link #LATE_AT_LEAST} (a 1-second job's round may take a
 *       few seconds on a loaded host without being stuck).</li>
 * </ul>
 * The jobs are those started on the node's threads ({@link NodeThreads#groupOf}), so several nodes in one JVM (the
 * demo, the tests) each see their own.
 */
public final class JobLiveness implements AutoCloseable {

    static final Duration LATE_AT_LEAST = Duration.ofMinutes(5);
    /** How often the metric's rows follow the jobs started and stopped (their values are read at each scrape). */
    private static final Duration ROWS_EVERY = Duration.ofSeconds(10);

    private final ThreadGroup node;
    private final Clock clock;
    private final Duration atLeast;
    private final MultiGauge lastSuccess;
    private final MultiGauge lateAfterGauge;
    private PeriodicJob rows;

    /** Created on the node's thread: the jobs of the node it is created for. */
    public JobLiveness(Clock clock, MeterRegistry registry) {
        this(clock, registry, LATE_AT_LEAST);
    }

    JobLiveness(Clock clock, MeterRegistry registry, Duration atLeast) {
        this.node = NodeThreads.groupOf(Thread.currentThread());
        this.clock = clock;
        this.atLeast = atLeast;
        lastSuccess = MultiGauge.builder("jukibus.job.last.success.timestamp").baseUnit("seconds")
                .description("When the periodic job's last round ended normally, by the node's clock (before any did: when the first was due)")
                .register(registry);
        lateAfterGauge = MultiGauge.builder("jukibus.job.late.after").baseUnit("seconds")
                .description("How long without a finished round counts as the periodic job stopped")
                .register(registry);
    }

    /** Keeps the metric's rows in step with the node's jobs. */
    public JobLiveness start() {
        rows = PeriodicJob.start("job-liveness", Duration.ZERO, ROWS_EVERY, this::refreshRows);
        return this;
    }

    void refreshRows() {
        List<MultiGauge.Row<?>> times = new ArrayList<>();
        List<MultiGauge.Row<?>> bounds = new ArrayList<>();
        for (PeriodicJob job : PeriodicJob.of(node)) {
            Tags tags = Tags.of("periodic_job", job.name());
            times.add(MultiGauge.Row.of(tags, job, j -> clock.millis() / 1000.0 - j.sinceSuccess().toMillis() / 1000.0));
            bounds.add(MultiGauge.Row.of(tags, lateAfter(job).toSeconds()));
        }
        lastSuccess.register(times, true);
        lateAfterGauge.register(bounds, true);
    }

    /** How long {@code job} may go without a finished round before it counts as stopped. */
    Duration lateAfter(PeriodicJob job) {
        Duration three = job.every().multipliedBy(3);
        return three.compareTo(atLeast) < 0 ? atLeast : three;
    }

    /** The node's jobs that have not finished a round for {@link #lateAfter}, the longest first. */
    List<PeriodicJob> late() {
        Map<PeriodicJob, Duration> late = new LinkedHashMap<>(); // each read once: the times move while sorting
        for (PeriodicJob job : PeriodicJob.of(node)) {
            Duration since = job.sinceSuccess();
            if (since.compareTo(lateAfter(job)) > 0) {
                late.put(job, since);
            }
        }
        List<PeriodicJob> longestFirst = new ArrayList<>(late.keySet());
        longestFirst.sort(Comparator.comparing(late::get, Comparator.reverseOrder()));
        return longestFirst;
    }

    /** Health component {@code jobs}: DOWN while a job is late, each named with how long since its last finished round. */
    public HealthIndicator health() {
        return () -> {
            List<PeriodicJob> late = late();
            if (late.isEmpty()) {
                return Health.up().withDetail("jobs", PeriodicJob.of(node).size()).build();
            }
            Map<String, String> stopped = new LinkedHashMap<>();
            for (PeriodicJob job : late) {
                stopped.put(job.name(), (job.succeeded() ? "last round finished " : "no round finished yet, the first was due ")
                        + job.sinceSuccess().withNanos(0) + " ago (it runs every " + job.every()
                        + "): a round hangs or keeps failing; see the log, and a thread dump ('jcmd <pid> Thread.print') for the thread "
                        + job.name());
            }
            return Health.down().withDetail("stopped", stopped).build();
        };
    }

    @Override
    public void close() {
        if (rows != null) {
            rows.close();
        }
    }
}
