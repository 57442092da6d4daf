package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.activemq.artemis.core.server.Queue;
import org.jukibus.broker.BrokerStats;
import org.jukibus.flow.ResidentCode;
import org.junit.jupiter.api.Test;

/**
 * An outage of what every delivery needs (the legacy outbox unwritable, the store down) suspends the inbound queue's
 * delivery (flow.DeliverySuspension): with a backlog in the queue, the consumers stop taking messages, one message at a
 * time is tried with backoff, the backlog stays in the queue untried (nothing waits out a redelivery delay in the
 * broker's memory but the message just tried), a bad envelope is still dead-lettered meanwhile, and once the outage is
 * over every message is delivered exactly once.
 */
class InboundOutageIT {

    static final String QUEUE = "jukibus.inbound.transfer-in";
    static final String ROUTE = "transfer-in-delivery";
    static final int BACKLOG = 30;
    /** jukibus.delivery.consumers, the default. */
    static final int CONSUMERS = 4;
    static final int BAD = 10;

    @Test
    void an_unwritable_outbox_suspends_delivery_a_bad_envelope_is_still_dead_lettered_and_the_backlog_arrives_once(
            @Provisioned({SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.node(OSAKA).properties().put("jukibus.delivery.suspended-retry-max", "4s");
        net.start(SHINJUKU, OSAKA);
        Path outbox = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");
        Path blocked = outbox.resolveSibling("transfer-in.moved");
        Files.createDirectories(outbox);
        Files.move(outbox, blocked);
        Files.writeString(outbox, "a file where the folder should be"); // writes into it fail, even as root
        int deadLetters = DeadLetterAssert.count(net, OSAKA);
        try {
            net.drop(SHINJUKU, "transfer-in", "O-0.xml", Notices.transferIn("O-0", ResidentCode.of("6200000000"), SHINJUKU, OSAKA));
            await().atMost(Duration.ofSeconds(60)).until(() -> suspended(net, OSAKA) == 1.0);

            // bad envelopes during the outage: dead-lettered when their turn comes, one after another without a wait;
            // they do not end the suspension
            for (int i = 0; i < BAD; i++) {
                net.put(OSAKA, QUEUE, "<not-an-envelope/>".getBytes(StandardCharsets.UTF_8));
            }
            DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, OSAKA, deadLetters);
            assertThat(dead.flow()).isEqualTo("transfer-in");
            await().atMost(Duration.ofSeconds(30)).until(() -> DeadLetterAssert.count(net, OSAKA) == deadLetters + BAD);
            assertThat(suspended(net, OSAKA)).as("still suspended").isEqualTo(1.0);

            backlogArrivesAndWaitsUntried(net);
        } finally {
            Files.delete(outbox);
            Files.move(blocked, outbox);
        }
        everyMessageArrivesOnce(net);
        assertThat(DeadLetterAssert.count(net, OSAKA)).as("only the bad envelopes dead-lettered").isEqualTo(deadLetters + BAD);
    }

    /**
     * The store refuses the node's login (its connection limit 0, its sessions ended: as a store down or out of
     * connections looks to the node); each try waits out the pool's connection timeout.
     */
    @Test
    void a_store_that_is_down_suspends_delivery_and_the_backlog_arrives_once_it_is_back(
            @Provisioned({SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.node(OSAKA).properties().put("jukibus.delivery.suspended-retry-max", "4s");
        net.start(SHINJUKU, OSAKA);
        String login = "node_" + OSAKA;
        storeLogin(net, "alter role " + login + " connection limit 0",
                "select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + login + "'");
        try {
            net.drop(SHINJUKU, "transfer-in", "O-0.xml", Notices.transferIn("O-0", ResidentCode.of("6200000000"), SHINJUKU, OSAKA));
            await().atMost(Duration.ofSeconds(90)).until(() -> suspended(net, OSAKA) == 1.0);
            backlogArrivesAndWaitsUntried(net);
            timerRoutesReportTheOutageOnce(net);
        } finally {
            storeLogin(net, "alter role " + login + " connection limit -1");
        }
        everyMessageArrivesOnce(net);
        // the timer routes run again: each episode ended, none begun again
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(registry(net, OSAKA)
                .find("jukibus.scheduled.outage").gauges()).allSatisfy(g -> assertThat(g.value()).isZero()));
        assertThat(health(net, "scheduled").getStatus().getCode()).isEqualTo("UP");
    }

    /**
     * The node's timer routes fail on the store as well (heartbeat, receipt batches, owed notices): each failing route
     * is one episode however many of its runs fail (logged once, flow.ScheduledOutages: before, an ERROR with a stack
     * trace per run), and the health component {@code scheduled} names the route and the cause.
     */
    private static void timerRoutesReportTheOutageOnce(TestNetwork net) {
        MeterRegistry registry = registry(net, OSAKA);
        await().atMost(Duration.ofSeconds(120)).until(() -> registry.find("jukibus.scheduled.outage").gauges().stream()
                .anyMatch(g -> g.value() == 1.0 && outageFailures(net, OSAKA, g.getId().getTag("route")) >= 2));
        String route = registry.find("jukibus.scheduled.outage").gauges().stream()
                .filter(g -> g.value() == 1.0 && outageFailures(net, OSAKA, g.getId().getTag("route")) >= 2)
                .findFirst().orElseThrow().getId().getTag("route");
        assertThat(registry.get("jukibus.scheduled.outages").tag("route", route).counter().count())
                .as("one episode for runs of " + route + " failing " + outageFailures(net, OSAKA, route) + " times").isEqualTo(1.0);
        assertThat(counted(net, OSAKA, "jukibus.route.failures", route)).as("no route failure (JukibusRouteFailures)").isZero();
        var scheduled = health(net, "scheduled");
        assertThat(scheduled.getStatus().getCode()).isEqualTo("DOWN");
        assertThat(String.valueOf(((org.springframework.boot.actuate.health.Health) scheduled).getDetails()))
                .contains(route).contains("Exception");
    }

    private static org.springframework.boot.actuate.health.HealthComponent health(TestNetwork net, String component) {
        return net.context(OSAKA).getBean(org.springframework.boot.actuate.health.HealthEndpoint.class).healthForPath(component);
    }

    /**
     * The operation log cannot be written (its folder gone: as a full disk looks to the node): every delivery records
     * there, so it is an outage like the outbox's. Before, each message was retried as a bug and dead-lettered
     * RETRIES_EXHAUSTED within a minute: a full disk dead-lettered a day's traffic. The log stays stopped after a failed
     * write (a torn line must not be followed, audit.HashChainLog) until the node is restarted once the disk is fixed.
     * The log's folder is replaced while the node writes into an open file, so the failure comes when the next file
     * starts: at the next UTC day, which the test brings with the network's clock.
     */
    @Test
    void an_operation_log_that_cannot_be_written_suspends_delivery_and_nothing_is_dead_lettered(
            @Provisioned({SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.node(OSAKA).properties().put("jukibus.delivery.suspended-retry-max", "4s");
        net.start(SHINJUKU, OSAKA);
        Path audit = net.node(OSAKA).home().resolve("audit");
        Path moved = audit.resolveSibling("audit.moved");
        int deadLetters = DeadLetterAssert.count(net, OSAKA);
        Files.move(audit, moved);
        Files.writeString(audit, "a file where the folder should be"); // a new log file cannot start, even as root
        java.time.Instant now = java.time.Instant.now();
        net.moveClock(Duration.between(now, now.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(1)))
                .plusMinutes(2));
        try {
            net.drop(SHINJUKU, "transfer-in", "O-0.xml", Notices.transferIn("O-0", ResidentCode.of("6200000000"), SHINJUKU, OSAKA));
            await().atMost(Duration.ofSeconds(60)).until(() -> suspended(net, OSAKA) == 1.0);
            assertThat(net.context(OSAKA).getBean(org.jukibus.flow.DeliverySuspension.class).suspended())
                    .extracting(org.jukibus.flow.DeliverySuspension.Suspended::cause)
                    .containsExactly(org.jukibus.audit.OperationLogUnwritable.REASON);
            Queue inbound = backlogOnSuspendedQueue(net);
            // longer than an unsuspended queue's 8 tries of a bug (about a minute): nothing is dead-lettered
            Thread.sleep(70_000);
            assertThat(inbound.getMessageCount()).as("the backlog is still in the queue").isEqualTo(BACKLOG + 1);
            assertThat(inbound.getDeliveringCount()).as("messages held by the consumers").isLessThanOrEqualTo(CONSUMERS);
            assertThat(DeadLetterAssert.count(net, OSAKA)).as("nothing dead-lettered").isEqualTo(deadLetters);
            // the log stopped at the clock move's entry, before the first message: no try handed a file over unrecorded
            assertThat(net.files(OSAKA, "outbox", "transfer-in")).as("nothing in the legacy outbox").isEmpty();
            assertThat(suspended(net, OSAKA)).isEqualTo(1.0);
            assertThat(net.files(SHINJUKU, "outbox", "non-delivery")).as("no false non-delivery report").isEmpty();
        } finally {
            Files.delete(audit);
            Files.move(moved, audit);
        }
        net.stop(OSAKA).start(OSAKA); // the log takes entries again after a restart
        everyMessageArrivesOnce(net);
        assertThat(DeadLetterAssert.count(net, OSAKA)).as("nothing dead-lettered").isEqualTo(deadLetters);
    }

    /** Drops the backlog at Shinjuku-ku; returns Osaka-shi's inbound queue once all of it (and the held one) is there. */
    private static Queue backlogOnSuspendedQueue(TestNetwork net) throws Exception {
        for (int i = 1; i <= BACKLOG; i++) {
            net.drop(SHINJUKU, "transfer-in", "O-" + i + ".xml",
                    Notices.transferIn("O-" + i, ResidentCode.of("6200000%03d".formatted(i)), SHINJUKU, OSAKA));
        }
        Queue inbound = net.broker(OSAKA).locateQueue(QUEUE);
        await().atMost(Duration.ofSeconds(90)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) == 0
                && inbound.getMessageCount() == BACKLOG + 1);
        return inbound;
    }

    /** The backlog reaches the suspended queue, stays there, and is not tried message by message. */
    private static void backlogArrivesAndWaitsUntried(TestNetwork net) throws Exception {
        Queue inbound = backlogOnSuspendedQueue(net);

        double failedBefore = outageFailures(net, OSAKA);
        Thread.sleep(10_000); // the window in which an unsuspended queue tries every message of its backlog
        double failed = outageFailures(net, OSAKA) - failedBefore;

        assertThat(inbound.getMessageCount()).as("the backlog is still in the queue").isEqualTo(BACKLOG + 1);
        // one message at a time, after 1 s, 2 s, 4 s, 4 s, ...: at most four tries in ten seconds (and the pool's 10 s
        // connection timeout makes a try with the store down longer still); tried in turn, the backlog failed 31 times
        assertThat(failed).as("deliveries tried in 10 s").isLessThanOrEqualTo(4.0);
        assertThat(inbound.getDeliveringCount()).as("messages held by the consumers").isLessThanOrEqualTo(CONSUMERS);
        assertThat(inbound.getScheduledCount()).as("messages waiting out a redelivery delay in memory").isLessThanOrEqualTo(2);
        assertThat(suspended(net, OSAKA)).isEqualTo(1.0);
        // the health component the heartbeat carries to central
        var delivery = net.context(OSAKA).getBean(org.springframework.boot.actuate.health.HealthEndpoint.class).healthForPath("delivery");
        assertThat(delivery.getStatus().getCode()).isEqualTo("DOWN");
        assertThat(String.valueOf(((org.springframework.boot.actuate.health.Health) delivery).getDetails())).contains(QUEUE);
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
        assertThat(net.files(SHINJUKU, "outbox", "non-delivery")).as("no false non-delivery report").isEmpty();
    }

    private static void everyMessageArrivesOnce(TestNetwork net) throws Exception {
        // the next try comes at most jukibus.delivery.suspended-retry-max (4 s here) after the repair
        await().atMost(Duration.ofSeconds(20)).until(() -> suspended(net, OSAKA) == 0.0);
        await().atMost(Duration.ofSeconds(120)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == BACKLOG + 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "outbox", "receipt").size() == BACKLOG + 1);
        assertThat(suspended(net, OSAKA)).as("resumed").isEqualTo(0.0);
        Thread.sleep(3000); // a second copy would arrive meanwhile
        assertThat(net.deliveredIds(OSAKA, "transfer-in")).as("each exactly once").hasSize(BACKLOG + 1).doesNotHaveDuplicates();
        assertThat(net.broker(OSAKA).locateQueue(QUEUE).getMessageCount()).isZero();
        assertThat(net.files(SHINJUKU, "outbox", "non-delivery")).isEmpty();
    }

    /**
     * {@code jukibus_delivery_suspended{queue}}, read from the node's registry (what {@code /actuator/prometheus}
     * serves: OperatorsIT scrapes it with the store down).
     */
    private static double suspended(TestNetwork net, String node) {
        return registry(net, node).get("jukibus.delivery.suspended").tag("queue", QUEUE).gauge().value();
    }

    /**
     * {@code jukibus_route_outage_failures_total{route}} of the delivery route: its tries that failed on the outage
     * (counted apart from {@code jukibus_route_failures_total}, which stays for failures of their own).
     */
    private static double outageFailures(TestNetwork net, String node) {
        return outageFailures(net, node, ROUTE);
    }

    private static double outageFailures(TestNetwork net, String node, String route) {
        return counted(net, node, "jukibus.route.outage.failures", route);
    }

    private static double counted(TestNetwork net, String node, String counter, String route) {
        var found = registry(net, node).find(counter).tag("route", route).counter();
        return found == null ? 0 : found.count();
    }

    private static MeterRegistry registry(TestNetwork net, String node) {
        return net.context(node).getBean(MeterRegistry.class);
    }

    private static void storeLogin(TestNetwork net, String... statements) throws Exception {
        try (Connection c = net.store.superuser("postgres"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
