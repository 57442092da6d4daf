package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.Message;

import org.jukibus.Jukibus;
import org.jukibus.broker.BrokerStats;
import org.jukibus.clock.NodeClock;
import org.jukibus.flow.ResidentCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import picocli.CommandLine;

/**
 * Message continuity over a long outage (issue 13): the network's clock is moved for real in the
 * running nodes ({@code jukibus clock set} on the network folder), not mocked. A municipal node down
 * for five days gets everything that waited for it once each; a message that waits longer than the
 * outage window expires at its sender and, resent by an operator, arrives.
 */
// order is inherent: the clock of the running network only moves forward; the 40-day wait starts where the 5-day outage ended
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessageContinuityIT {

    @Provisioned({SHINJUKU, OSAKA})
    static TestNetwork net;

    @BeforeAll
    static void provision() throws Exception {
        // the provisioned CRL is valid for 7 days; this drill moves the clock 40 days (until the CRL
        // comes over the bus, an operator issues one valid through the drill)
        net.network.ca().issueCrl(Duration.ofDays(60));
        // an envelope for a down peer is parked; every parked one goes back to the forwarder at each review (1 h by
        // default), which dead-letters what is past the outage window
        net.node(SHINJUKU).properties().put("jukibus.link.parked-review", "10s");
        net.start(SHINJUKU, OSAKA);
    }

    @Test
    @Order(1)
    void a_node_down_for_five_days_receives_everything_that_waited_for_it_once() throws Exception {
        net.stop(OSAKA);
        List<String> noticeIds = List.of("C-1", "C-2", "C-3");
        for (String id : noticeIds) {
            net.drop(SHINJUKU, "transfer-in", id + ".xml", Notices.transferIn(id, ResidentCode.of("610000000" + id.charAt(2)), SHINJUKU, OSAKA));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) == 3);

        net.moveClock(Duration.ofDays(5));
        net.start(OSAKA);
        assertThat(net.context(OSAKA).getBean(NodeClock.class).offset()).as("a node started reads the moved clock").isEqualTo(Duration.ofDays(5));

        await().atMost(Duration.ofSeconds(120)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() >= 3);
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "outbox", "receipt").size() >= 3);
        Thread.sleep(3000); // anything duplicated would arrive meanwhile
        List<String> delivered = net.deliveredIds(OSAKA, "transfer-in");
        assertThat(delivered).as("0 lost, 0 duplicated").hasSize(3).doesNotHaveDuplicates();
        assertThat(net.browse(OSAKA, "jukibus.dlq")).as("nothing refused as EXPIRED after 5 days").isEmpty();
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
        assertThat(BrokerStats.outboundBacklog(net.broker(SHINJUKU))).isZero();
    }

    @Test
    @Order(2)
    void a_message_waiting_past_the_outage_window_expires_at_the_sender_and_arrives_once_resent() throws Exception {
        net.stop(OSAKA);
        net.drop(SHINJUKU, "transfer-in", "C-9.xml", Notices.transferIn("C-9", ResidentCode.of("6100000009"), SHINJUKU, OSAKA));
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU),
                org.jukibus.flow.ParkedEnvelopes.queueOf(OSAKA)) == 1);

        net.moveClock(Duration.ofDays(40)); // 35 days after it was sealed: beyond the 30-day window

        // parked: the next review (10 s here) gives it back to the forwarder, which finds it expired
        await().atMost(Duration.ofSeconds(120)).until(() -> DeadLetterAssert.count(net, SHINJUKU) == 1);
        Message dead = net.browse(SHINJUKU, "jukibus.dlq").get(0);
        assertThat(dead.getStringProperty("JukibusRejectReason")).isEqualTo("EXPIRED");
        assertThat(dead.getStringProperty("JukibusFlow")).isEqualTo("transfer-in");
        assertThat(dead.getStringProperty("JukibusRecipient")).isEqualTo(OSAKA);
        assertThat(dead.getStringProperty("JukibusDeadLetteredFrom")).isEqualTo("jukibus.outbound");
        String expiredId = dead.getStringProperty("JukibusMessageId");
        assertThat(expiredId).isNotBlank();
        // and its sender's legacy system is told (NonDelivery file, reported by the sender)
        Path report = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("non-delivery").resolve(OSAKA + "-" + expiredId + ".xml");
        await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(report));
        assertThat(java.nio.file.Files.readString(report)).contains("<ReasonCode>EXPIRED</ReasonCode>")
                .contains("<Recipient>" + OSAKA + "</Recipient>").contains("<ReportedBy>SENDER</ReportedBy>");
        await().atMost(Duration.ofSeconds(10)).until(() -> BrokerStats.outboundBacklog(net.broker(SHINJUKU)) == 0);

        net.start(OSAKA);
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of("dlq", "resend", "--id", dead.getJMSMessageID()));
        args.addAll(net.operatorLogin(SHINJUKU));
        int exit = new CommandLine(new Jukibus()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute(args.toArray(String[]::new));
        assertThat(exit).as(out.toString()).isZero();

        await().atMost(Duration.ofSeconds(120)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 4);
        List<String> delivered = net.deliveredIds(OSAKA, "transfer-in");
        assertThat(delivered).doesNotHaveDuplicates().doesNotContain(expiredId);
        // the resent message is one this node sent: its receipt closes it and reaches the legacy system as any other's
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "outbox", "receipt").size() == 4);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).as("the dead letter was taken for the resend").isEmpty();
        assertThat(net.browse(OSAKA, "jukibus.dlq")).isEmpty();
        Path operationLog = net.node(SHINJUKU).home().resolve("audit");
        assertThat(TestNetwork.contains(operationLog, "CLOCK_MOVED")).as("the clock move in the operation log").isTrue();
        assertThat(TestNetwork.contains(operationLog, "dlq resend " + dead.getJMSMessageID())).as("the resend, with its operator").isTrue();
    }
}
