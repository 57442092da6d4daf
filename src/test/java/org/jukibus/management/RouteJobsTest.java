package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.apache.camel.support.DefaultScheduledPollConsumerScheduler;
import org.jukibus.core.OnDemandRounds;
import org.jukibus.core.PeriodicJob;
import org.jukibus.flow.DeliveryFailures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * The node's Camel timer and scheduler routes under the periodic jobs' liveness: a route whose round blocks is
 * reported stopped (health DOWN naming it, its last-success time stale) until a round ends again; one that ticks only
 * while there is work is not reported while idle, and is once a due round hangs; other routes are not watched.
 */
class RouteJobsTest {

    @Test
    void a_timer_route_whose_round_blocks_is_reported_stopped_until_a_round_ends_again() throws Exception {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobLiveness liveness = new JobLiveness(Clock.fixed(now, ZoneOffset.UTC), registry, Duration.ZERO); // three periods, no floor
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger rounds = new AtomicInteger();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutePolicyFactory(new RouteJobs());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:overdue-test?period=30&delay=0").routeId("overdue-test").process(e -> {
                        if (rounds.incrementAndGet() == 3) {
                            release.await(); // the third round hangs: a store lock nobody releases
                        }
                    });
                    from("direct:not-periodic").routeId("not-periodic").log("x");
                }
            });
            camel.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> late(liveness).contains("route overdue-test"));
            var down = liveness.health().health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(((Map<?, ?>) down.getDetails().get("stopped")).keySet().stream().map(String::valueOf).toList()).contains("route overdue-test");
            assertThat(names()).contains("route overdue-test").doesNotContain("route not-periodic");

            liveness.refreshRows();
            double lastSuccess = registry.get("jukibus.job.last.success.timestamp").tag("periodic_job", "route overdue-test")
                    .gauge().value();
            assertThat(lastSuccess).as("the second round's end: stale").isLessThan(now.getEpochSecond() - 0.09);

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !late(liveness).contains("route overdue-test"));

            camel.getRouteController().stopRoute("overdue-test");
            assertThat(names()).as("a stopped route is no job").doesNotContain("route overdue-test");
        } finally {
            release.countDown();
        }
    }

    @Test
    void a_route_that_ticks_only_while_there_is_work_is_not_stopped_while_idle_but_is_when_a_due_round_hangs() throws Exception {
        JobLiveness liveness = new JobLiveness(Clock.systemUTC(), new SimpleMeterRegistry(), Duration.ZERO);
        OnDemand ticks = new OnDemand();
        CountDownLatch release = new CountDownLatch(1);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("onDemand", ScheduledPollConsumerScheduler.class, ticks);
            camel.addRoutePolicyFactory(new RouteJobs());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("scheduler:batches-test?delay=20&scheduler=#onDemand").routeId("batches-test").process(e -> release.await());
                }
            });
            camel.start();
            assertThat(names()).contains("route batches-test");

            Thread.sleep(300); // fifteen periods without a round: idle, not stopped
            assertThat(late(liveness)).doesNotContain("route batches-test");

            ticks.dueSince.set(System.nanoTime()); // work arrives; its round hangs
            await().atMost(Duration.ofSeconds(10)).until(() -> late(liveness).contains("route batches-test"));
            assertThat(liveness.health().health().getStatus()).isEqualTo(Status.DOWN);

            ticks.dueSince.set(OnDemandRounds.IDLE);
            assertThat(late(liveness)).doesNotContain("route batches-test");
        } finally {
            release.countDown();
        }
    }

    /**
     * A timer route whose rounds fail on an outage (the store down, handled as scheduled-outages does) ran and came
     * back: it is no stopped job ("restart the node" cures no outage), and its failures count as outage failures, not
     * route failures (JukibusRouteFailures fired for every outage). A round failing on a bug still stops the job and
     * counts as a route failure; so does one failing on the operation log unwritable (only a restart ends it).
     */
    @Test
    void rounds_failing_on_an_outage_are_no_stopped_job_and_no_route_failure_a_bug_still_is() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobLiveness liveness = new JobLiveness(Clock.systemUTC(), registry, Duration.ZERO);
        AtomicInteger outageRounds = new AtomicInteger();
        AtomicInteger bugRounds = new AtomicInteger();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutePolicyFactory(new RouteJobs());
            camel.getManagementStrategy().addEventNotifier(new RouteFailures(registry));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    onException(Exception.class).onWhen(e -> DeliveryFailures.outage(e.getProperty(
                            org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class))).handled(true)
                            .process(e -> { }); // as scheduled-outages' bean: a handler with a step
                    onException(IllegalStateException.class).handled(true).process(e -> { });
                    from("timer:erasure-test?period=30&delay=0").routeId("erasure-test").process(e -> {
                        outageRounds.incrementAndGet();
                        throw new CannotGetJdbcConnectionException("store down", new SQLException("Connection refused", "08001"));
                    });
                    from("timer:audit-test?period=30&delay=0").routeId("audit-test").process(e -> {
                        throw new org.jukibus.audit.OperationLogUnwritable("the operation log stopped", new java.io.IOException("disk full"));
                    });
                    from("timer:bug-test?period=30&delay=0").routeId("bug-test").process(e -> {
                        bugRounds.incrementAndGet();
                        throw new IllegalStateException("a bug");
                    });
                }
            });
            camel.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> late(liveness).contains("route bug-test"));
            // the operation log unwritable ends only with a restart after the fix: its rounds are no rounds, and
            // JukibusJobStopped ("restart the node") says so
            await().atMost(Duration.ofSeconds(10)).until(() -> late(liveness).contains("route audit-test"));
            await().atMost(Duration.ofSeconds(10)).until(() -> outageRounds.get() >= 15);
            assertThat(late(liveness)).as("fifteen periods of outage: alive").doesNotContain("route erasure-test");

            assertThat(registry.get("jukibus.route.failures").tag("route", "erasure-test").counter().count()).isZero();
            assertThat(registry.get("jukibus.route.outage.failures").tag("route", "erasure-test").counter().count())
                    .isGreaterThanOrEqualTo(15);
            assertThat(registry.get("jukibus.route.failures").tag("route", "bug-test").counter().count()).isPositive();
            assertThat(registry.get("jukibus.route.outage.failures").tag("route", "bug-test").counter().count()).isZero();
        }
    }

    /** A scheduler that never ticks by itself; the test says when a round is due. */
    static final class OnDemand extends DefaultScheduledPollConsumerScheduler implements OnDemandRounds {
        final AtomicLong dueSince = new AtomicLong(IDLE);

        @Override
        public void startScheduler() {
            // ticks only on demand: none here
        }

        @Override
        public long dueSinceNanos() {
            return dueSince.get();
        }
    }

    private static List<String> late(JobLiveness liveness) {
        return liveness.late().stream().map(PeriodicJob::name).toList();
    }

    private static List<String> names() {
        return PeriodicJob.of(org.jukibus.logging.NodeThreads.groupOf(Thread.currentThread())).stream().map(PeriodicJob::name).toList();
    }
}
