package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jukibus.broker.BrokerStats;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.link.PeerLinks;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.CertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backup line (予備の回線, 第3の3(2)): the recipient's primary line runs through a proxy the test
 * cuts in the middle of a stream of notices. The sender carries on over the backup line with
 * nothing lost and nothing doubled, and returns to the primary once it is back.
 */
class BackupLineIT {

    static final int NOTICES = 600;

    @Provisioned({SHINJUKU, OSAKA})
    TestNetwork net;
    TcpProxy primaryLine;

    @AfterEach
    void stop() throws IOException {
        if (primaryLine != null) {
            primaryLine.close();
        }
    }

    @Test
    void traffic_moves_to_the_backup_line_when_the_primary_is_cut_and_back_when_it_returns() throws Exception {
        // Osaka's primary acceptor stays where it was; the directory sends peers to the proxy in front of it
        Endpoint acceptor = net.node(OSAKA).primary();
        Endpoint viaProxy = new Endpoint("127.0.0.1", LoopbackPorts.next());
        Endpoint backup = net.node(OSAKA).backup();
        redirectPrimary(OSAKA, viaProxy);
        net.node(OSAKA).properties().put("jukibus.link.listen-primary", acceptor.toString());
        net.node(SHINJUKU).properties().put("jukibus.link.primary-retry", "2s");
        primaryLine = new TcpProxy(viaProxy.port(), acceptor.port()).restore();
        net.start(SHINJUKU, OSAKA);
        PeerLinks links = net.context(SHINJUKU).getBean(PeerLinks.class);

        AtomicInteger dropped = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Thread legacySystem = new Thread(() -> {
            try {
                while (dropped.get() < NOTICES) {
                    int i = dropped.getAndIncrement();
                    net.drop(SHINJUKU, "transfer-in", noticeId(i) + ".xml", Notices.transferIn(noticeId(i), RESIDENT, SHINJUKU, OSAKA));
                    Thread.sleep(25); // about 40 notices a second
                }
            } catch (Exception e) {
                failed.set(true);
            }
        }, "legacy-system");
        legacySystem.start();

        // cut the primary a quarter into the stream, restore it at two thirds: traffic flows before, during and after
        await().atMost(Duration.ofSeconds(120)).until(() -> dropped.get() >= NOTICES / 4 && delivered() > 0);
        assertThat(links.activeEndpoint(OSAKA)).as("on the primary line first").isEqualTo(viaProxy);

        long cutAt = System.nanoTime();
        primaryLine.cut();
        long deliveredAtCut = delivered();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() ->
                backup.equals(links.activeEndpoint(OSAKA)) && delivered() > deliveredAtCut);
        long switchedMs = (System.nanoTime() - cutAt) / 1_000_000;

        await().atMost(Duration.ofSeconds(120)).until(() -> dropped.get() >= NOTICES * 2 / 3);
        assertThat(links.activeEndpoint(OSAKA)).as("stays on the backup while the primary is cut").isEqualTo(backup);
        int proxiedBeforeRestore = primaryLine.accepted();
        long deliveredOverBackup = delivered() - deliveredAtCut;

        long restoredAt = System.nanoTime();
        primaryLine.restore();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> viaProxy.equals(links.activeEndpoint(OSAKA)));
        long returnedMs = (System.nanoTime() - restoredAt) / 1_000_000;

        legacySystem.join(120_000);
        assertThat(failed).isFalse();
        await().atMost(Duration.ofSeconds(120)).until(() -> delivered() >= NOTICES
                && net.files(SHINJUKU, "outbox", "receipt").size() >= NOTICES);
        Thread.sleep(1000);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < NOTICES; i++) {
            expected.add(noticeId(i));
        }
        OutboxTally notices = OutboxTally.of(outbox(OSAKA, "transfer-in"), OutboxTally.NOTICE_ID, expected);
        OutboxTally receipts = OutboxTally.of(outbox(SHINJUKU, "receipt"), OutboxTally.RECEIVED_MESSAGE_ID, null);
        long outbound = BrokerStats.outboundBacklog(net.broker(SHINJUKU));
        long dlq = BrokerStats.depth(net.broker(SHINJUKU), "jukibus.dlq") + BrokerStats.depth(net.broker(OSAKA), "jukibus.dlq");
        System.out.printf("""
                === BackupLineIT: %d notices %s -> %s, primary %s (proxy to %s), backup %s ===
                switch    primary cut -> first notice over the backup line: %d ms
                return    primary back -> line on the primary again: %d ms (primary-retry 2s)
                notices   sent %d, delivered %d (%d in the outbox while on the backup), lost %d, duplicated %d, unexpected %d
                receipts  %d, duplicated %d; outbound left %d, dead letters %d
                """, NOTICES, SHINJUKU, OSAKA, viaProxy, acceptor, backup, switchedMs, returnedMs,
                NOTICES, notices.distinct(), deliveredOverBackup, notices.lost(), notices.duplicated(), notices.unexpected(),
                receipts.distinct(), receipts.duplicated(), outbound, dlq);

        assertThat(notices.lost()).as("lost").isZero();
        assertThat(notices.duplicated()).as("duplicated").isZero();
        assertThat(notices.unexpected()).isZero();
        assertThat(receipts.distinct()).isEqualTo(NOTICES);
        assertThat(receipts.duplicated()).isZero();
        assertThat(outbound).isZero();
        assertThat(dlq).isZero();
        assertThat(primaryLine.accepted()).as("the primary is used again after it came back").isGreaterThan(proxiedBeforeRestore);
        assertThat(switchedMs).as("switch to the backup").isLessThan(10_000);
    }

    private long delivered() throws IOException {
        return OutboxTally.count(outbox(OSAKA, "transfer-in"));
    }

    private Path outbox(String code, String flow) {
        return net.node(code).legacyRoot().resolve("outbox").resolve(flow);
    }

    /** Central re-signs the directory with another primary endpoint for one node. */
    private void redirectPrimary(String code, Endpoint primary) throws Exception {
        Path file = net.network.directoryFile();
        CertificateAuthority ca = net.network.ca();
        NodeDirectory directory = DirectoryLoader.load(file, ca.certificate(), null, Clock.systemUTC());
        DirectoryBuilder builder = new DirectoryBuilder().serial(directory.serial() + 1).issuedAt(java.time.Instant.now());
        for (NodeEntry e : directory.all()) {
            builder.add(e.code().equals(code)
                    ? new NodeEntry(e.role(), e.code(), e.name(), e.prefecture(), primary, e.backup(), e.certificate())
                    : e);
        }
        Files.write(file, DirectorySigner.sign(builder.build(), net.node("central").keys()));
    }

    private static String noticeId(int i) {
        return String.format("B-%04d", i);
    }
}
