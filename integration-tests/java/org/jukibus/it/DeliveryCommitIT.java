package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.core.NodeRole;
import org.jukibus.store.SharedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash aimed at the commit of a delivery: the recipient, its own JVM, halts (as a power cut
 * would) after the delivery route has delivered the notice and sent the receipt to its outbound
 * queue, just before the route's transaction commits ({@code jukibus.test.fault-point}). Consuming
 * the envelope and queueing the receipt are one unit of work: after the restart either both
 * happened or neither, so the notice is delivered once and the receipt reaches the sender once.
 */
class DeliveryCommitIT {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final String NOTICE = "DC-00001";
    /** The exit status TestFaultPoint halts with. */
    static final int HALTED_AT_FAULT_POINT = 86;

    @TempDir
    Path root;
    Network network;
    SharedPostgres store;
    NodeProcess shinjuku;
    NodeProcess osaka;

    @AfterEach
    void killAll() throws IOException {
        for (NodeProcess p : new NodeProcess[] {shinjuku, osaka}) {
            if (p != null) {
                p.close();
            }
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void a_crash_just_before_the_delivery_commits_loses_no_receipt_and_duplicates_nothing() throws Exception {
        store = SharedPostgres.start(root.resolve("shared-store"));
        network = new NetworkProvisioner(Path.of("").toAbsolutePath()).provision(root, List.of(
                new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                new NodeSpec(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27")), NetworkProvisioner.sharedBy(store));
        TestNetwork.withoutMonitoring(network); // central does not run: heartbeats would wait in the outbound queues
        NetworkProvisioner.writeConfigFiles(network);
        shinjuku = new NodeProcess(network.node(SHINJUKU)).start();
        osaka = new NodeProcess(network.node(OSAKA)).start("-Djukibus.test.fault-point=before-commit:transfer-in-delivery");
        shinjuku.awaitStarted(Duration.ofMinutes(5));
        osaka.awaitStarted(Duration.ofMinutes(5));

        drop(network.node(SHINJUKU).legacyRoot().resolve("inbox").resolve("transfer-in"), NOTICE);
        assertThat(osaka.awaitExit(Duration.ofMinutes(2))).as("Osaka halted at the fault point:\n" + osaka.tail())
                .isEqualTo(HALTED_AT_FAULT_POINT);
        assertThat(osaka.log()).contains("halting before the commit of transfer-in-delivery");

        osaka.start().awaitStarted(Duration.ofMinutes(5));
        Path notices = outbox(OSAKA, "transfer-in");
        Path receipts = outbox(SHINJUKU, "receipt");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                OutboxTally.count(notices) >= 1 && OutboxTally.count(receipts) >= 1);
        Thread.sleep(3000); // a second copy still in flight would show now

        OutboxTally delivered = OutboxTally.of(notices, OutboxTally.NOTICE_ID, List.of(NOTICE));
        OutboxTally back = OutboxTally.of(receipts, OutboxTally.RECEIVED_MESSAGE_ID, null);
        assertThat(delivered.lost()).as("notice lost").isZero();
        assertThat(delivered.duplicated()).as("notice delivered twice").isZero();
        assertThat(back.distinct()).as("receipts back at the sender").isEqualTo(1);
        assertThat(back.duplicated()).as("receipt duplicated").isZero();
    }

    private Path outbox(String code, String flow) {
        return network.node(code).legacyRoot().resolve("outbox").resolve(flow);
    }

    private static void drop(Path inbox, String noticeId) throws IOException {
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve(noticeId + ".part");
        Files.write(tmp, Notices.transferIn(noticeId, "70000000009", SHINJUKU, OSAKA));
        Files.move(tmp, inbox.resolve(noticeId + ".xml"));
    }
}
