package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A crash aimed at the commit of a delivery: the recipient, its own JVM, halts (as a power cut
 * would) after the delivery route has delivered the notice and sent the receipt to its outbound
 * queue, just before the route's transaction commits ({@code jukibus.test.fault-point}). Consuming
 * the envelope and queueing the receipt are one unit of work: after the restart either both
 * happened or neither, so the notice is delivered once and the receipt reaches the sender once.
 */
@Tag("slow")
class DeliveryCommitIT {

    static final String NOTICE = "DC-00001";
    /** The exit status TestFaultPoint halts with. */
    static final int HALTED_AT_FAULT_POINT = 86;

    @RegisterExtension
    final ProcessNetwork net = new ProcessNetwork(SHINJUKU, OSAKA);

    @Test
    void a_crash_just_before_the_delivery_commits_loses_no_receipt_and_duplicates_nothing() throws Exception {
        NodeProcess shinjuku = net.start(SHINJUKU);
        // single receipts: the receipt is then sent in the delivery's own transaction, the one the fault point halts
        // (batched, it is owed in the store before that commit and sent later by receipt-batches: ReceiptBatchStoreTest)
        NodeProcess osaka = net.start(OSAKA, "-Djukibus.test.fault-point=before-commit:transfer-in-delivery",
                "-Djukibus.receipts.batch.enabled=false");
        shinjuku.awaitStarted(Duration.ofMinutes(5));
        osaka.awaitStarted(Duration.ofMinutes(5));

        net.dropNotice(SHINJUKU, OSAKA, NOTICE);
        assertThat(osaka.awaitExit(Duration.ofMinutes(2))).as("Osaka halted at the fault point:\n" + osaka.tail())
                .isEqualTo(HALTED_AT_FAULT_POINT);
        assertThat(osaka.log()).contains("halting before the commit of transfer-in-delivery");

        osaka.start().awaitStarted(Duration.ofMinutes(5));
        Path notices = net.outbox(OSAKA, "transfer-in");
        Path receipts = net.outbox(SHINJUKU, "receipt");
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
}
