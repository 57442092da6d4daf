package org.jukibus.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A failed round ends that round only: the job runs again, whatever the round threw. */
class PeriodicJobTest {

    @Test
    void rounds_go_on_after_an_exception_and_after_an_error() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch fourth = new CountDownLatch(4);
        try (PeriodicJob job = PeriodicJob.start("test-job", Duration.ZERO, Duration.ofMillis(5), () -> {
            int n = rounds.incrementAndGet();
            fourth.countDown();
            if (n == 1) {
                throw new IllegalStateException("the store is down");
            }
            if (n == 2) {
                throw new NoClassDefFoundError("org/jukibus/Gone (the jar was replaced under a running node)");
            }
            if (n == 3) {
                throw new java.io.IOException("disk full");
            }
        })) {
            assertThat(fourth.await(30, TimeUnit.SECONDS)).as("a fourth round ran after three failed ones").isTrue();
        }
    }

    @Test
    void a_guarded_task_keeps_a_shared_executor_running_it() throws Exception {
        ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1);
        CountDownLatch second = new CountDownLatch(2);
        try {
            executor.scheduleWithFixedDelay(PeriodicJob.guarded("shared", Duration.ofMillis(5), () -> {
                second.countDown();
                throw new StackOverflowError();
            }), 0, 5, TimeUnit.MILLISECONDS);
            assertThat(second.await(30, TimeUnit.SECONDS)).as("a bare task that threw would have been cancelled").isTrue();
        } finally {
            executor.shutdownNow();
        }
    }
}
