package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.jukibus.core.PeriodicJob;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

/** A periodic job whose round hangs is reported: health DOWN naming it, and a last-success time that stops moving. */
class JobLivenessTest {

    @Test
    void a_job_whose_round_blocks_is_reported_stopped_until_a_round_finishes_again() throws Exception {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC); // the node's clock: the metric's times are on it
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobLiveness liveness = new JobLiveness(clock, registry, Duration.ZERO); // three intervals, no floor
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger rounds = new AtomicInteger();
        try (PeriodicJob job = PeriodicJob.start("test-hanging-job", Duration.ZERO, Duration.ofMillis(20), () -> {
            if (rounds.incrementAndGet() == 2) {
                release.await(); // the second round hangs: a store that never answers
            }
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> liveness.late().contains(job));
            var down = liveness.health().health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(((Map<?, ?>) down.getDetails().get("stopped")).keySet().stream().map(String::valueOf).toList()).contains("test-hanging-job");
            assertThat(liveness.lateAfter(job)).isEqualTo(Duration.ofMillis(60));

            liveness.refreshRows();
            double lastSuccess = registry.get("jukibus.job.last.success.timestamp").tag("periodic_job", "test-hanging-job").gauge().value();
            assertThat(lastSuccess).as("the first round's end, by the node's clock").isLessThan(now.getEpochSecond() - 0.06)
                    .isGreaterThan(now.getEpochSecond() - 10);
            assertThat(registry.get("jukibus.job.late.after").tag("periodic_job", "test-hanging-job").gauge().value()).isEqualTo(0.0);

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !liveness.late().contains(job));
        } finally {
            release.countDown();
        }
    }

    @Test
    void the_bound_is_three_intervals_and_at_least_five_minutes() {
        JobLiveness liveness = new JobLiveness(Clock.systemUTC(), new SimpleMeterRegistry());
        try (PeriodicJob hourly = PeriodicJob.start("test-hourly", Duration.ofHours(1), Duration.ofHours(1), () -> { });
             PeriodicJob everySecond = PeriodicJob.start("test-every-second", Duration.ofHours(1), Duration.ofSeconds(1), () -> { })) {
            assertThat(liveness.lateAfter(hourly)).isEqualTo(Duration.ofHours(3));
            assertThat(liveness.lateAfter(everySecond)).isEqualTo(Duration.ofMinutes(5));
            assertThat(liveness.late()).as("not late before the first round is due").doesNotContain(hourly, everySecond);
        }
    }
}
