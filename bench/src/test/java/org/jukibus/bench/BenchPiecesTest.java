package org.jukibus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.jms.ConnectionFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's pieces run and count what they sent and received (tiny counts; no timing is
 * asserted: figures are the benchmark's business, on a machine it describes).
 */
class BenchPiecesTest {

    @TempDir
    static Path dir;

    static BenchNetwork network;
    static Nodes nodes;

    @BeforeAll
    static void start() throws Exception {
        network = BenchNetwork.provision(Path.of(".."), dir, 2);
        nodes = new InProcessNodes(network);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void cryptoOnlyDoesTheEnvelopeWorkOfADeliveredNoticeAndItsReceipt() throws Exception {
        byte[] notice = Notices.next(BenchNetwork.SENDER, BenchNetwork.RECIPIENT);
        CryptoOnly crypto = new CryptoOnly(network.network(), BenchNetwork.SENDER, BenchNetwork.RECIPIENT, notice);
        // the receipt the sender opened acknowledges the notice it sealed
        assertThat(crypto.deliverOne()).isEqualTo(org.jukibus.flow.MessageIds.forInput(BenchNetwork.SENDER, notice));
        assertThat(crypto.loop(1, Duration.ofMillis(200)).done()).isPositive();
    }

    @Test
    void idleTakesTheNodesCpuAndContextSwitchesOverItsWindow() throws Exception {
        Idle.Window window = new Idle(nodes, 1, 0).window();
        assertThat(window.wallNanos()).isGreaterThanOrEqualTo(1_000_000_000L);
        // the nodes' own threads (broker, scheduled jobs) ran and switched in a second, and the share is of that second
        assertThat(window.jvmNanos(true)).isPositive();
        assertThat(window.senderSwitches()).isPositive();
        // a share of the window's own wall time: never more than every core busy all along
        assertThat(window.totalShare(true)).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 0.5);
        Report report = new Report();
        new Idle(nodes, 1, 0).measure(new Settings(1, 2, 1, 1, 1, java.util.List.of(), 1, 2, 1, 1, 1), report);
        assertThat(report.figure("idle").measured()).isTrue();
        assertThat(report.markdown("")).contains("idle: two municipal nodes up", "≤ 3% of a core");
    }

    @Test
    void endToEndCountsEachNoticeAtTheOutboxAndItsReceiptBack() throws Exception {
        EndToEnd.Run run = new EndToEnd(network, nodes).run(5, 0, true);
        assertThat(run.toOutbox().count()).isEqualTo(5);
        assertThat(run.toReceipt().count()).isEqualTo(5);
        assertThat(run.receiptRate()).isPositive();
        assertThat(run.senderCpu().jvmNanos()).isPositive();
        // the kernel's side of the run: the JVM (both nodes here) blocked and ran; the recipient's JVM is the same one
        assertThat(run.senderPlumbing().jvm().voluntarySwitches()).isPositive();
        assertThat(run.senderPlumbing().jvm().userNanos() + run.senderPlumbing().jvm().systemNanos()).isPositive();
        assertThat(run.recipientPlumbing().jvm()).isEqualTo(KernelTime.NONE);
        EndToEnd.Run paced = new EndToEnd(network, nodes).run(3, 50, false);
        assertThat(paced.toReceipt().count()).isEqualTo(3);
    }

    @Test
    void rawBrokerReceivesEveryMessageItSent() throws Exception {
        RawBroker raw = new RawBroker(nodes, 1000);
        ConnectionFactory out = nodes.context(BenchNetwork.SENDER).getBean("localConnectionFactory", ConnectionFactory.class);
        ConnectionFactory in = nodes.context(BenchNetwork.RECIPIENT).getBean("localConnectionFactory", ConnectionFactory.class);
        org.apache.camel.CamelContext recipient = nodes.context(BenchNetwork.RECIPIENT).getBean(org.apache.camel.CamelContext.class);
        recipient.getRouteController().stopRoute(BenchNetwork.DELIVERY_ROUTE);
        try {
            assertThat(raw.run(in, BenchNetwork.INBOUND, in, RawBroker.BATCH + 3).latencies().count()).isEqualTo(RawBroker.BATCH + 3);
            assertThat(raw.run(out, "jukibus.outbound", in, 7).latencies().count()).isEqualTo(7);
        } finally {
            recipient.getRouteController().startRoute(BenchNetwork.DELIVERY_ROUTE);
        }
    }

    @Test
    void naiveBaselineDeliversEveryNotice() throws Exception {
        Settings tiny = new Settings(3, 1, 3, 2, 1, java.util.List.of(), 1, 2, 4, 1, 1);
        Report report = new Report();
        NaiveBaseline.measure(dir.resolve("naive"), network, nodes, tiny, report);
        assertThat(report.figure("naive").measured()).isTrue();
    }

    @Test
    void identityBulkWaitsUntilCentralRecordedEveryRecord() throws Exception {
        try (IdentityBulk.Central central = new IdentityBulk(network.network()).new Central()) {
            assertThat(central.run(2, 3, 0).rate()).isPositive(); // returns once central holds all 6
            assertThat(central.run(2, 3, 1).rate()).isPositive(); // the same central: waits for this bulk's own 6
        }
    }

    @Test
    void fanOutForwardsEveryMessage() throws Exception {
        byte[] notice = Notices.next(BenchNetwork.SENDER, BenchNetwork.RECIPIENT);
        FanOut fan = new FanOut(nodes, new CryptoOnly(network.network(), BenchNetwork.SENDER, BenchNetwork.RECIPIENT, notice), 4);
        assertThat(fan.run(2)).isPositive(); // returns only once the recipient's broker has stored all 4
    }
}
