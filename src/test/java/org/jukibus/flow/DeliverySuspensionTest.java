package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.event.CamelContextStoppingEvent;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.clock.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * An outage suspends an inbound queue's delivery: its consumers wait with one message each, one message at a time is
 * tried (the one that waited longest) with a doubling wait, and the first delivered resumes the queue. The node clock is
 * moved by the test: no probe starts before it reads the probe's time, however long the test runs.
 */
class DeliverySuspensionTest {

    static final String QUEUE = "jukibus.inbound.transfer-in";
    static final Duration FIRST = Duration.ofMillis(200);
    static final Duration MOST = Duration.ofMillis(800);

    final CamelContext camel = new DefaultCamelContext();
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T18:00:00Z"));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DeliverySuspension suspension = new DeliverySuspension(registry, clock, FIRST, MOST);
    final ExecutorService consumers = Executors.newCachedThreadPool();

    @AfterEach
    void stopConsumers() {
        consumers.shutdownNow();
    }

    static final Exception OUTBOX_FULL = new TransientFailure(LegacyOutbox.UNWRITABLE, "outbox/transfer-in",
            new FileSystemException("outbox/transfer-in", null, "No space left on device"));

    @Test
    void an_outage_suspends_the_queue_and_its_consumers_wait_untried_until_the_first_try_is_due() throws Exception {
        fail(pass(), OUTBOX_FULL);
        assertThat(suspension.suspended()).singleElement().satisfies(s -> {
            assertThat(s.queue()).isEqualTo(QUEUE);
            assertThat(s.cause()).isEqualTo(LegacyOutbox.UNWRITABLE);
            assertThat(s.since()).isEqualTo(clock.now);
        });
        assertThat(gauge()).isEqualTo(1.0);

        CompletableFuture<Exchange> waiting = consumer();
        // the node clock stands still: no try is due, however long the consumer waits
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());

        clock.move(FIRST);
        Exchange probe = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
        deliver(probe);
        assertThat(suspension.suspended()).as("delivered: resumed").isEmpty();
        assertThat(gauge()).isEqualTo(0.0);
        assertThat(pass()).as("a consumer passes at once again").isNotNull();
    }

    @Test
    void one_message_at_a_time_is_tried_the_longest_waiting_first_and_the_wait_doubles_up_to_its_most() throws Exception {
        fail(pass(), OUTBOX_FULL);
        List<CompletableFuture<Exchange>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(consumer());
            int waiting = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> waitingConsumers() == waiting);
        }

        clock.move(FIRST);
        Exchange first = held.get(0).get(5, java.util.concurrent.TimeUnit.SECONDS);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> !held.get(1).isDone() && !held.get(2).isDone());

        fail(first, new CannotGetJdbcConnectionException("store down"));
        assertThat(suspension.suspended()).singleElement().satisfies(s -> {
            assertThat(s.cause()).as("the latest cause").isEqualTo("CannotGetJdbcConnectionException");
            assertThat(s.probes()).isEqualTo(1);
        });
        clock.move(FIRST);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !held.get(1).isDone());
        clock.move(FIRST); // twice the first wait
        Exchange second = held.get(1).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(held.get(2)).as("one at a time").isNotDone();

        fail(second, OUTBOX_FULL);
        clock.move(MOST.minus(Duration.ofMillis(1))); // 4 x 200 ms capped at 800 ms
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !held.get(2).isDone());
        clock.move(Duration.ofMillis(1));
        Exchange third = held.get(2).get(5, java.util.concurrent.TimeUnit.SECONDS);
        fail(third, OUTBOX_FULL);

        CompletableFuture<Exchange> fourth = consumer();
        clock.move(MOST.minus(Duration.ofMillis(1)));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !fourth.isDone());
        clock.move(Duration.ofMillis(1));
        deliver(fourth.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(suspension.suspended()).isEmpty();
    }

    @Test
    void when_the_try_is_delivered_every_waiting_consumer_goes_on() throws Exception {
        fail(pass(), OUTBOX_FULL);
        List<CompletableFuture<Exchange>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(consumer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> waitingConsumers() == 3);
        clock.move(FIRST);
        await().atMost(Duration.ofSeconds(5)).until(() -> held.stream().filter(CompletableFuture::isDone).count() == 1);
        Exchange probe = held.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow().get();

        deliver(probe);

        for (CompletableFuture<Exchange> consumer : held) {
            assertThat(consumer.get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        }
    }

    /**
     * Every held message left another way (here: dead-lettered as the probe; also by transient-max-attempts, expired,
     * moved by an operator): with nothing held and the queue empty, the suspension ends when it is next looked at
     * (health, gauge) instead of staying reported until a next message is delivered.
     */
    @Test
    void a_suspended_queue_that_holds_nothing_and_is_empty_is_resumed() throws Exception {
        java.util.concurrent.atomic.AtomicLong depth = new java.util.concurrent.atomic.AtomicLong(1);
        DeliverySuspension watched = new DeliverySuspension(new SimpleMeterRegistry(), clock, FIRST, MOST, q -> {
            assertThat(q).isEqualTo(QUEUE);
            return depth.get();
        });
        Exchange first = exchange();
        watched.pass(first);
        fail(first, OUTBOX_FULL);
        assertThat(watched.suspended()).as("a message in the queue (held, delayed or waiting)").hasSize(1);

        Exchange probe = exchange();
        CompletableFuture<Exchange> consumer = CompletableFuture.supplyAsync(() -> {
            try {
                watched.pass(probe);
                return probe;
            } catch (TransientFailure e) {
                throw new IllegalStateException(e);
            }
        }, consumers);
        clock.move(FIRST);
        consumer.get(5, java.util.concurrent.TimeUnit.SECONDS);
        depth.set(0); // whatever the count says, a message being tried keeps the queue suspended
        assertThat(watched.suspended()).as("a probe in flight").hasSize(1);
        deadLetter(probe, new PermanentFailure("SENDER_MISMATCH", "x"));
        depth.set(2);
        assertThat(watched.suspended()).as("messages still in the queue").hasSize(1);
        depth.set(0);
        assertThat(watched.suspended()).as("nothing left to hold").isEmpty();
        CompletableFuture<Void> next = CompletableFuture.runAsync(() -> {
            try {
                watched.pass(exchange());
            } catch (TransientFailure e) {
                throw new IllegalStateException(e);
            }
        }, consumers);
        assertThat(next).as("the next message passes at once (the node clock stands still)").succeedsWithin(Duration.ofSeconds(2));
    }

    /** A failure for good, a bug, a failure of one message alone: none suspends the queue. */
    @Test
    void no_failure_of_one_message_suspends_the_queue() throws Exception {
        fail(pass(), TransientFailure.ofThisMessage(InboundDelivery.IN_FLIGHT, "a copy in flight", null));
        fail(pass(), new SQLException("deadlock detected", "40P01"));
        fail(pass(), new NullPointerException());
        deadLetter(pass(), new PermanentFailure("SENDER_MISMATCH", "signed by 131041, put here by 271004"));
        assertThat(suspension.suspended()).isEmpty();
        assertThat(gauge()).isEqualTo(0.0);
    }

    /**
     * Bad envelopes tried during an outage are dead-lettered as ever and say nothing about the outage: the queue stays
     * suspended, and as a dead letter left the queue the next consumer in line is tried at once, not a wait later, so a
     * run of bad envelopes (a hostile peer's) does not hold the other senders' messages a wait each.
     */
    @Test
    void a_dead_lettered_try_leaves_the_queue_suspended_and_the_next_is_tried_at_once() throws Exception {
        fail(pass(), OUTBOX_FULL);
        List<CompletableFuture<Exchange>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(consumer());
            int waiting = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> waitingConsumers() == waiting);
        }
        clock.move(FIRST);
        for (int i = 0; i < 3; i++) { // the node clock stands still from here
            deadLetter(held.get(i).get(5, java.util.concurrent.TimeUnit.SECONDS),
                    new PermanentFailure("SCHEMA_INVALID", "not an envelope"));
            assertThat(suspension.suspended()).hasSize(1);
        }
        deliver(held.get(3).get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(suspension.suspended()).isEmpty();
    }

    /**
     * A try that ends with its envelope held as made in this node's future (ClockAheadHold: acknowledged, nothing
     * delivered) says nothing of the outage: the queue stays suspended and the next is tried at once. Otherwise a peer
     * that dates its envelopes ahead would end the suspension for every other sender's messages, each failing again.
     */
    @Test
    void a_try_whose_envelope_is_held_from_the_future_leaves_the_queue_suspended() throws Exception {
        fail(pass(), OUTBOX_FULL);
        CompletableFuture<Exchange> first = consumer();
        CompletableFuture<Exchange> second = consumer();
        await().atMost(Duration.ofSeconds(5)).until(() -> waitingConsumers() == 2);
        clock.move(FIRST);
        // whichever consumer came first in line is the probe
        Exchange held = (Exchange) CompletableFuture.anyOf(first, second).get(5, java.util.concurrent.TimeUnit.SECONDS);
        CompletableFuture<Exchange> next = first.isDone() && first.getNow(null) == held ? second : first;
        held.setProperty(InboundDelivery.HELD, true);
        deliver(held);
        assertThat(suspension.suspended()).as("no verdict on the outage").hasSize(1);

        deliver(next.get(5, java.util.concurrent.TimeUnit.SECONDS)); // tried at once: the clock stood still
        assertThat(suspension.suspended()).isEmpty();
    }

    /**
     * A cause that comes and goes (an outbox that takes small files and not large ones) is one episode: suspended again
     * within the longest wait of a resume, the wait goes on doubling and the start stays, rather than starting over at
     * the first wait with a burst of failures every second.
     */
    @Test
    void a_suspension_soon_after_a_resume_continues_the_episode() throws Exception {
        Instant start = clock.now;
        fail(pass(), OUTBOX_FULL);
        clock.move(FIRST);
        deliver(pass()); // the try: a small file went through
        assertThat(suspension.suspended()).isEmpty();

        fail(pass(), OUTBOX_FULL); // a large one does not
        assertThat(suspension.suspended()).singleElement().satisfies(s -> assertThat(s.since()).isEqualTo(start));
        CompletableFuture<Exchange> held = consumer();
        clock.move(FIRST);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());
        clock.move(FIRST); // twice the first wait
        deliver(held.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(registry.get("jukibus.delivery.suspensions").tag("queue", QUEUE).counter().count()).isEqualTo(2.0);

        clock.move(MOST.plusMillis(1)); // quiet for longer than the longest wait: a new episode
        fail(pass(), OUTBOX_FULL);
        assertThat(suspension.suspended()).singleElement().satisfies(s -> assertThat(s.since()).isEqualTo(clock.now));
        CompletableFuture<Exchange> again = consumer();
        clock.move(FIRST);
        assertThat(again.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("after the first wait again").isNotNull();
    }

    /** The node stops during an outage: the held messages are given back (rolled back), with no outage named. */
    @Test
    void a_stopping_node_gives_the_held_messages_back() throws Exception {
        fail(pass(), OUTBOX_FULL);
        CompletableFuture<Exchange> held = consumer();
        await().atMost(Duration.ofSeconds(5)).until(() -> waitingConsumers() == 1);

        suspension.notify(new CamelContextStoppingEvent(camel));

        assertThat(held).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> {
                    assertThat(e.getCause()).isInstanceOf(TransientFailure.class);
                    assertThat(((TransientFailure) e.getCause()).reason()).isEqualTo(DeliverySuspension.STOPPING);
                    assertThat(DeliveryFailures.outage(e.getCause())).isFalse();
                });
    }

    /** A node clock moved back by an operator (the end of a drill) does not hold the queue for as long as it was moved. */
    @Test
    void a_clock_moved_back_delays_the_next_try_by_at_most_the_present_wait() throws Exception {
        fail(pass(), OUTBOX_FULL);
        clock.move(Duration.ofDays(-1));
        CompletableFuture<Exchange> held = consumer();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());
        clock.move(FIRST);
        assertThat(held.get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void the_queue_is_the_inbound_queue_the_route_consumes() {
        assertThat(DeliverySuspension.queueOf("jms://queue:jukibus.inbound.identity-update")).isEqualTo("jukibus.inbound.identity-update");
        assertThat(DeliverySuspension.queueOf("jms://queue:jukibus.inbound.trust?transacted=true")).isEqualTo("jukibus.inbound.trust");
        assertThat(DeliverySuspension.queueOf("jms://queue:jukibus.outbound")).isNull();
        assertThat(DeliverySuspension.queueOf("timer://heartbeat")).isNull();
    }

    // --- a route's consumers, as far as the suspension sees them

    private Exchange exchange() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromEndpoint(camel.getEndpoint("direct:queue:" + QUEUE));
        return exchange;
    }

    /** A consumer's message through the route's first step, on the test's thread. */
    private Exchange pass() throws TransientFailure {
        Exchange exchange = exchange();
        suspension.pass(exchange);
        return exchange;
    }

    /** A consumer on a thread of its own: done once its message passed the first step. */
    private CompletableFuture<Exchange> consumer() {
        CompletableFuture<Exchange> passed = new CompletableFuture<>();
        consumers.submit(() -> {
            try {
                passed.complete(pass());
            } catch (Throwable e) {
                passed.completeExceptionally(e);
            }
        });
        return passed;
    }

    private int waitingConsumers() {
        return (int) Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.TIMED_WAITING)
                .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("await")
                        && f.getClassName().startsWith(DeliverySuspension.class.getName())))
                .count();
    }

    /** The route failed: the broker transaction rolls back. */
    private static void fail(Exchange exchange, Exception failure) {
        exchange.setException(failure);
        done(exchange, false);
    }

    /** The route's onException handled the failure (the message dead-lettered): the exchange completes. */
    private static void deadLetter(Exchange exchange, Exception failure) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        done(exchange, true);
    }

    private static void deliver(Exchange exchange) {
        done(exchange, true);
    }

    private static void done(Exchange exchange, boolean completed) {
        List<Synchronization> completions = exchange.getExchangeExtension().handoverCompletions();
        assertThat(completions).as("the step registered its completion").isNotEmpty();
        for (Synchronization completion : completions) {
            if (completed) {
                completion.onComplete(exchange);
            } else {
                completion.onFailure(exchange);
            }
        }
    }

    private double gauge() {
        return registry.get("jukibus.delivery.suspended").tag("queue", QUEUE).gauge().value();
    }
}
