package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jukibus.broker.BrokerStats;
import org.jukibus.flow.ParkedEnvelopes;
import org.jukibus.it.DeadLetterAssert.DeadLetter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transient failures wait and are retried with backoff for as long as they last, and end in delivery once the cause
 * goes away; only an operator's bound on that wait puts them in the dead-letter queue, with their reason. Each test stands alone:
 * the one about a node that is down has a network of its own, the others count from what they find.
 */
class RedeliveryIT {

    @Provisioned({SHINJUKU, OSAKA})
    static TestNetwork net;

    @BeforeAll
    static void provision() throws Exception {
        net.node(OSAKA).properties().put("jukibus.delivery.max-attempts", "3");
        net.start(SHINJUKU, OSAKA);
    }

    /**
     * A peer that is down: its envelopes are parked (flow.ParkedEnvelopes: on disk, nothing waiting out a redelivery
     * delay in the broker's memory), and once it is up each arrives exactly once.
     */
    @Test
    void a_notice_for_a_node_that_is_down_waits_and_arrives_once_it_is_up(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = SHINJUKU) TestNetwork net) throws Exception {
        int notices = 5;
        for (int i = 1; i <= notices; i++) {
            net.drop(SHINJUKU, "transfer-in", "R-" + i + ".xml", Notices.transferIn("R-" + i, org.jukibus.flow.ResidentCode.of("600000000" + i), SHINJUKU, OSAKA));
        }
        String parking = ParkedEnvelopes.queueOf(OSAKA);
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), parking) == notices);
        Thread.sleep(3000);
        assertThat(BrokerStats.outboundBacklog(net.broker(SHINJUKU))).as("still waiting, not dropped").isEqualTo(notices);
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), parking)).as("parked").isEqualTo(notices);
        assertThat(net.broker(SHINJUKU).locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of("jukibus.outbound"))
                .getScheduledCount()).as("waiting out a redelivery delay in memory").isZero();
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();

        net.start(OSAKA);

        await().atMost(Duration.ofSeconds(90)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == notices);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(SHINJUKU, "outbox", "receipt").size() == notices);
        Thread.sleep(3000); // a second copy would arrive meanwhile
        assertThat(net.deliveredIds(OSAKA, "transfer-in")).as("each exactly once").hasSize(notices).doesNotHaveDuplicates();
        assertThat(BrokerStats.outboundBacklog(net.broker(SHINJUKU))).isZero();
    }

    /**
     * A peer that takes the connection and then refuses every send (here Osaka-shi's broker refuses a municipality's
     * send to its node-status address, which only central may write; a hostile peer or a broker of another version
     * alike): those envelopes are parked like a down peer's, none waits out a redelivery delay in this node's memory,
     * and the peer's other mail still arrives: a refusal is that message's, the peer is not marked down for it.
     */
    @Test
    void envelopes_a_peer_refuses_to_take_are_parked_not_held_in_memory(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        String parking = ParkedEnvelopes.refusedQueueOf(OSAKA); // apart from its other parked mail (analysis-merge11 M4)
        for (int i = 0; i < 3; i++) {
            String id = java.util.UUID.randomUUID().toString();
            net.put(SHINJUKU, "jukibus.outbound", "<sealed/>".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(
                    org.jukibus.flow.Headers.MESSAGE_ID, id, org.jukibus.flow.Headers.TYPE, "NodeStatusAlert",
                    org.jukibus.flow.Headers.RECIPIENT, OSAKA, org.jukibus.flow.Headers.ADDRESS, "jukibus.inbound.node-status",
                    org.jukibus.flow.Headers.DUPLICATE_ID, id));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), parking) == 3);
        assertThat(net.broker(SHINJUKU).locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of("jukibus.outbound"))
                .getScheduledCount()).as("waiting out a redelivery delay in memory").isZero();

        net.drop(SHINJUKU, "transfer-in", "P-1.xml", Notices.transferIn("P-1", org.jukibus.flow.ResidentCode.of("6100000001"),
                SHINJUKU, OSAKA));
        await().atMost(Duration.ofSeconds(90)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), parking) == 3);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).as("a refusal by the peer's broker is no dead letter here").isEmpty();
        // the refusals are seen (an alert asks), and the peer, which answers, is not marked down for them
        assertThat(ManagementIT.operator(net, SHINJUKU, "/actuator/prometheus").body()).as("counted")
                .containsPattern("(?m)^jukibus_flow_refused_total\\{[^}]*flow=\"node-status\"[^}]*\\} [1-9]");
        assertThat(net.context(SHINJUKU).getBean(org.jukibus.link.PeerLinks.class).knownDown(OSAKA))
                .as("a peer whose broker refuses a message is not down").isFalse();
    }

    /**
     * An unwritable outbox (a full disk, a missing mount) is a transient failure: the message waits on the broker past
     * jukibus.delivery.max-attempts (3 here), visible in jukibus_delivery_waiting, its sender told nothing false, and
     * is delivered once the outbox can be written.
     */
    @Test
    void an_outbox_that_cannot_be_written_waits_past_every_attempt_visibly_and_is_delivered_once_it_can() throws Exception {
        int delivered = net.files(OSAKA, "outbox", "transfer-in").size();
        Path outbox = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");
        Path blocked = outbox.resolveSibling("transfer-in.moved");
        Files.createDirectories(outbox);
        Files.move(outbox, blocked);
        Files.writeString(outbox, "a file where the folder should be"); // writes into it fail, even as root
        try {
            double failedBefore = metric(OSAKA, "jukibus_route_outage_failures_total", "route=\"transfer-in-delivery\"");
            net.drop(SHINJUKU, "transfer-in", "R-2.xml", Notices.transferIn("R-2", "60000000020", SHINJUKU, OSAKA));
            var inbound = net.broker(OSAKA).locateQueue("jukibus.inbound.transfer-in");

            await().atMost(Duration.ofSeconds(90)).until(() ->
                    metric(OSAKA, "jukibus_route_outage_failures_total", "route=\"transfer-in-delivery\"") >= failedBefore + 5);

            assertThat(inbound.getMessageCount()).as("kept on the broker past max-attempts").isEqualTo(1);
            assertThat(net.browse(OSAKA, "jukibus.dlq")).isEmpty();
            assertThat(metric(OSAKA, "jukibus_delivery_waiting", "route=\"transfer-in-delivery\"")).isEqualTo(1.0);
            assertThat(net.files(SHINJUKU, "outbox", "non-delivery")).as("no false non-delivery report").isEmpty();
        } finally {
            Files.delete(outbox);
            Files.move(blocked, outbox);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == delivered + 1);
        assertThat(net.browse(OSAKA, "jukibus.dlq")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(OSAKA, "jukibus_delivery_waiting", "route=\"transfer-in-delivery\"") == 0.0);
    }

    /**
     * An operator who prefers a bound on the wait (jukibus.delivery.transient-max-attempts) gets the message in the
     * dead-letter queue with its reason when the failure outlasts it, to replay after the fix.
     */
    @Test
    void a_transient_failure_that_outlasts_the_operators_bound_is_dead_lettered_with_its_reason(
            @Provisioned({SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.node(OSAKA).properties().put("jukibus.delivery.transient-max-attempts", "3");
        net.start(SHINJUKU, OSAKA);
        Path outbox = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");
        Path blocked = outbox.resolveSibling("transfer-in.moved");
        Files.createDirectories(outbox);
        Files.move(outbox, blocked);
        Files.writeString(outbox, "a file where the folder should be");
        try {
            int before = DeadLetterAssert.count(net, OSAKA);
            net.drop(SHINJUKU, "transfer-in", "R-3.xml", Notices.transferIn("R-3", "60000000003", SHINJUKU, OSAKA));

            DeadLetter dead = DeadLetterAssert.next(net, OSAKA, before);

            assertThat(dead.reason()).as("the last failure's reason").isEqualTo("OUTBOX_UNWRITABLE");
            assertThat(dead.detail()).contains("transfer-in");
            assertThat(dead.flow()).isEqualTo("transfer-in");
        } finally {
            Files.delete(outbox);
            Files.move(blocked, outbox);
        }
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
    }

    /** The value of a node's Prometheus sample whose labels contain {@code label}; 0 if there is none. */
    static double metric(String node, String name, String label) throws Exception {
        Matcher sample = Pattern.compile("(?m)^" + name + "\\{[^}]*" + label + "[^}]*\\} (\\S+)$")
                .matcher(ManagementIT.operator(net, node, "/actuator/prometheus").body());
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0.0;
    }
}
