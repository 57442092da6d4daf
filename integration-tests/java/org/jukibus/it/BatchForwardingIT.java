package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.Message;

import org.jukibus.broker.BrokerStats;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Headers;
import org.jukibus.link.OutgoingMessage;
import org.jukibus.link.PeerLinks;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;

/**
 * The forwarder takes the outbound queue in batches (issue 19), each message sent with a confirmation of its own, and keeps
 * every per-message outcome of the one-by-one forwarder. Raw messages (no envelope: the recipients' delivery routes are
 * stopped, and what arrives is counted on their inbound queue).
 */
class BatchForwardingIT {

    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final String DELIVERY = "transfer-in-delivery";
    static final String FORWARD = "forward-outbound";

    /**
     * The batch that comes back after a crash between the recipient's commit and the sender's: half of it is already
     * on the recipient's broker, whose duplicate detection marks a transaction holding one of them rollback-only. Sent
     * together again it would fail at every retry, a silent stop of the link; every message arrives exactly once and
     * the link keeps moving.
     */
    @Test
    void a_batch_half_of_which_the_recipient_already_stored_arrives_exactly_once_and_the_link_keeps_moving(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);
        PeerLinks links = net.context(SHINJUKU).getBean(PeerLinks.class);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ids.add("dup-" + i);
        }
        for (String id : ids.subList(0, 20)) { // what the recipient stored before the sender crashed
            links.send(OSAKA, new OutgoingMessage(INBOUND, new byte[] {1}, id, Map.of(Headers.MESSAGE_ID, id, Headers.TYPE, "TransferInNotice")));
        }
        // each send returned once stored; the queue's count follows on the broker's own executor (read 19 once)
        await().atMost(Duration.ofSeconds(10)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 20);
        for (String id : ids) { // the whole batch, back on the sender's outbound queue
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {1}, outbound(id, OSAKA));
        }

        net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);

        await().atMost(Duration.ofSeconds(60)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0);
        assertThat(idsOn(net, OSAKA)).as("each exactly once").containsExactlyInAnyOrderElementsOf(ids);
        List<String> more = List.of("more-1", "more-2", "more-3");
        for (String id : more) {
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {2}, outbound(id, OSAKA));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 43);
        assertThat(idsOn(net, OSAKA)).containsAll(more);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();

        // a message the recipient's broker refuses (no peer may send to another node's outbound queue), among others:
        // the sends are confirmed one by one, so it is not taken for stored, and the others are not held up; the refused
        // one is parked (review-park H1: not a copy scheduled in memory), the line kept
        Map<String, String> refused = outbound("refused-1", OSAKA);
        refused.put(Headers.ADDRESS, "jukibus.outbound");
        net.put(SHINJUKU, "jukibus.outbound", new byte[] {6}, outbound("after-1", OSAKA));
        net.put(SHINJUKU, "jukibus.outbound", new byte[] {6}, refused);
        net.put(SHINJUKU, "jukibus.outbound", new byte[] {6}, outbound("after-2", OSAKA));
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 45);
        String parking = org.jukibus.flow.ParkedEnvelopes.refusedQueueOf(OSAKA);
        // the refused one waits, not lost (apart from the peer's other parked mail: analysis-merge11 M4)
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), parking) == 1
                && BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0);
        assertThat(BrokerStats.depth(net.broker(OSAKA), "jukibus.outbound")).isZero();
        assertThat(idsOn(net, OSAKA)).contains("after-1", "after-2").doesNotContain("refused-1");
    }

    /**
     * One batch for two recipients, one of them down, with a message that expired in the queue: the recipient that is up
     * gets its messages at once, the expired one is dead-lettered alone (EXPIRED), the down peer's are parked in the
     * batch's transaction (on {@code jukibus.parked.<peer>}, not put back as scheduled copies on the outbound queue, never
     * dead-lettered) and arrive exactly once when it is up.
     */
    @Test
    void a_peer_down_holds_up_no_other_peer_an_expired_message_is_dead_lettered_alone_and_the_parked_ones_arrive_later(
            @Provisioned(value = {SHINJUKU, OSAKA, BUNKYO}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);
        List<String> forOsaka = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            String toBunkyo = "bunkyo-" + i;
            String toOsaka = "osaka-" + i;
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {3}, outbound(toBunkyo, BUNKYO));
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {4}, outbound(toOsaka, OSAKA));
            forOsaka.add(toOsaka);
        }
        String expiredId = java.util.UUID.randomUUID().toString(); // its non-delivery file names it: an id as intake makes them
        Map<String, String> expired = outbound(expiredId, OSAKA);
        expired.put(Headers.CREATED_AT, Instant.now().minus(Duration.ofDays(400)).toString());
        net.put(SHINJUKU, "jukibus.outbound", new byte[] {5}, expired);

        net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);

        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 10);
        assertThat(idsOn(net, OSAKA)).containsExactlyInAnyOrderElementsOf(forOsaka);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.browse(SHINJUKU, "jukibus.dlq").size() == 1);
        Message dead = net.browse(SHINJUKU, "jukibus.dlq").get(0);
        assertThat(dead.getStringProperty(Headers.MESSAGE_ID)).isEqualTo(expiredId);
        assertThat(dead.getStringProperty(Headers.REJECT_REASON)).isEqualTo("EXPIRED");
        String parking = org.jukibus.flow.ParkedEnvelopes.queueOf(BUNKYO);
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), parking) == 10);
        Thread.sleep(3000); // retries of the down peer's messages, were they put back to wait
        org.apache.activemq.artemis.core.server.Queue outbound = net.broker(SHINJUKU).locateQueue("jukibus.outbound");
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), parking)).as("parked, not dropped").isEqualTo(10);
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound")).as("nothing scheduled on the outbound queue").isZero();
        assertThat(outbound.getScheduledCount()).isZero();
        // parked at the first failure: no put-back copy before (it would carry the attempts)
        for (Message parked : net.browse(SHINJUKU, parking)) {
            assertThat(parked.propertyExists(org.jukibus.flow.ForwardRetries.ATTEMPTS)).isFalse();
        }
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).hasSize(1);

        net.node(BUNKYO).properties().put("jukibus.flows.transfer-in.enabled", "false"); // its delivery route stays stopped
        net.start(BUNKYO);

        await().atMost(Duration.ofSeconds(90)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0
                && BrokerStats.depth(net.broker(SHINJUKU), parking) == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> BrokerStats.depth(net.broker(BUNKYO), INBOUND) == 10);
        Thread.sleep(2000); // a second copy would arrive meanwhile
        assertThat(idsOn(net, BUNKYO)).as("each exactly once").containsExactlyInAnyOrder("bunkyo-1", "bunkyo-2", "bunkyo-3", "bunkyo-4", "bunkyo-5",
                "bunkyo-6", "bunkyo-7", "bunkyo-8", "bunkyo-9", "bunkyo-10");
    }

    /**
     * Stopping the route (an operator, the node's shutdown, the hand-over of a primary/backup pair) while batches are in
     * flight: they finish or roll back, none is lost or doubled, and the rest goes once the route runs again.
     */
    @Test
    void a_stop_in_the_middle_of_the_batches_loses_and_doubles_nothing(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 600; i++) {
            ids.add("stop-" + i);
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {7}, outbound("stop-" + i, OSAKA));
        }

        net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);
        await().atMost(Duration.ofSeconds(60)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) > 0);
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);

        String parking = org.jukibus.flow.ParkedEnvelopes.queueOf(OSAKA);
        // by id, not by the brokers' counts: each is on the recipient's broker or still here (outbound, parked); the
        // description names the counts and any id found nowhere (a sum of 599 was seen twice, not explained yet)
        // (a browser does not see a scheduled message: a batch rolled back waits out its redelivery delay first)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> nowhere = new ArrayList<>(ids);
            nowhere.removeAll(idsOn(net, OSAKA));
            nowhere.removeAll(idsIn(net, SHINJUKU, "jukibus.outbound"));
            nowhere.removeAll(idsIn(net, SHINJUKU, parking));
            org.apache.activemq.artemis.core.server.Queue outbound = net.broker(SHINJUKU).locateQueue("jukibus.outbound");
            assertThat(nowhere).as("stored there or still here; counts: recipient %d, outbound %d (scheduled %d, delivering %d,"
                            + " added %d, acknowledged %d), parked %d, dead letters %s", BrokerStats.depth(net.broker(OSAKA), INBOUND),
                    outbound.getMessageCount(), outbound.getScheduledCount(), outbound.getDeliveringCount(), outbound.getMessagesAdded(),
                    outbound.getMessagesAcknowledged(), BrokerStats.depth(net.broker(SHINJUKU), parking),
                    idsIn(net, SHINJUKU, "jukibus.dlq")).isEmpty();
        });
        net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);
        await().atMost(Duration.ofSeconds(90)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0
                && BrokerStats.depth(net.broker(SHINJUKU), parking) == 0);
        assertThat(idsOn(net, OSAKA)).as("each exactly once").containsExactlyInAnyOrderElementsOf(ids);
        // a peer that is up is never parked for, not even while its line is being opened again after the restart
        assertThat(parkedEver(net, SHINJUKU, OSAKA)).as("envelopes parked for a peer that is up").isZero();
    }

    /**
     * A peer that stops answering in the middle (its broker hangs, a black hole on the way: both of its lines run
     * through a proxy the test freezes) after an idle queue: its confirmations never come, and a send to it may never
     * return. Every other peer still gets everything at once; its own messages wait, none lost or dead-lettered, and
     * arrive exactly once when it answers again (review H1, M2).
     */
    @Test
    void a_peer_that_stops_answering_holds_up_no_other_peer_and_gets_its_messages_once_it_answers_again(
            @Provisioned({SHINJUKU, OSAKA, BUNKYO}) TestNetwork net) throws Exception {
        net.node(SHINJUKU).properties().put("jukibus.link.call-timeout", "3s");
        try (OsakaLines osaka = OsakaLines.proxied(net)) {
            net.start(SHINJUKU, OSAKA, BUNKYO);
            net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
            net.camel(BUNKYO).getRouteController().stopRoute(DELIVERY);
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {8}, outbound("open-1", OSAKA)); // its line opens
            await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 1);
            Thread.sleep(1500); // an idle queue: the forwarders wait for a first message

            osaka.freeze();
            List<String> forOsaka = new ArrayList<>();
            List<String> forBunkyo = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                if (i % 10 == 1) {
                    forOsaka.add("silent-" + i);
                    net.put(SHINJUKU, "jukibus.outbound", new byte[] {9}, outbound("silent-" + i, OSAKA));
                }
                forBunkyo.add("other-" + i);
                net.put(SHINJUKU, "jukibus.outbound", new byte[] {9}, outbound("other-" + i, BUNKYO));
            }

            // at once, not after the silent peer's connect attempts (a handshake timeout per endpoint, under no lock)
            await().atMost(Duration.ofSeconds(20)).until(() -> BrokerStats.depth(net.broker(BUNKYO), INBOUND) == 200);
            assertThat(idsOn(net, BUNKYO)).as("each exactly once").containsExactlyInAnyOrderElementsOf(forBunkyo);
            // its line was opened while other threads had messages for it: they waited for it, none was parked
            assertThat(parkedEver(net, SHINJUKU, BUNKYO)).as("envelopes parked for a peer that is up").isZero();
            // a batch that held both commits what the other peer stored once its thread is back: after the silent
            // peer's call timeout, or, for the one thread that tries to open its line again, after the handshake
            // timeout of each of its endpoints (10 s each; no other thread waits for it)
            String parking = org.jukibus.flow.ParkedEnvelopes.queueOf(OSAKA);
            await().atMost(Duration.ofSeconds(45)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0
                    && BrokerStats.depth(net.broker(SHINJUKU), parking) == forOsaka.size()); // the silent peer's, parked
            assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();

            osaka.thaw();
            // after the peer's retry time, which doubles with each failed send on its line
            await().atMost(Duration.ofSeconds(150)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0
                    && BrokerStats.depth(net.broker(SHINJUKU), parking) == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 1 + forOsaka.size());
            List<String> expected = new ArrayList<>(forOsaka);
            expected.add("open-1");
            assertThat(idsOn(net, OSAKA)).as("each exactly once").containsExactlyInAnyOrderElementsOf(expected);
            assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
        }
    }

    /**
     * The node stops its forwarding route (gracefully, as a node stop does) while a batch waits on a peer that froze (its
     * lines run through proxies that pass no byte): the thread opening that peer's line waits a handshake timeout per
     * endpoint, longer than the stop's wait (call timeout + 5 s), so its batch is abandoned and rolled back. The stop
     * ends within its wait. That batch also held messages for a peer that is up, whose line is shared: the abandoned
     * thread, once its connect ends, must drop only its own session, not cut that line under the threads of the
     * restarted route (analysis-stop F1/F2). Every message arrives exactly once; nothing is parked for the peer that is up.
     */
    @Test
    void a_stop_while_a_batch_waits_on_a_frozen_peer_ends_in_time_and_parks_nothing_for_the_peer_that_is_up(
            @Provisioned({SHINJUKU, OSAKA, BUNKYO}) TestNetwork net) throws Exception {
        try (OsakaLines osaka = OsakaLines.proxied(net)) {
            Queued queued = stopWhileABatchWaitsOn(osaka, net);

            // restarted while the abandoned thread is still in its connect (10 s per endpoint): the new threads send to
            // the peer that is up on the line that thread's batch used too
            net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);
            for (int i = 1; i <= 200; i++) {
                queued.forBunkyo().add("after-" + i);
                net.put(SHINJUKU, "jukibus.outbound", new byte[] {11}, outbound("after-" + i, BUNKYO));
                Thread.sleep(100);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> BrokerStats.depth(net.broker(BUNKYO), INBOUND) >= queued.forBunkyo().size());
            assertThat(idsOn(net, BUNKYO)).as("each exactly once").containsExactlyInAnyOrderElementsOf(queued.forBunkyo());
            assertThat(parkedEver(net, SHINJUKU, BUNKYO)).as("envelopes parked for a peer that is up").isZero();

            osaka.thaw();
            allArriveOnceAfterTheThaw(net, queued);
        }
    }

    /**
     * As above, the thaw landing while a forwarder of the restarted route opens the frozen peer's backup line: the stop
     * that ended the abandoned thread's connect is this node's, not the peer's failure (review-fwdsafe M1), so the peer
     * was never marked down and nothing was ever parked for it; that open succeeds once the peer answers, and the
     * messages that waited for it (put back briefly, not parked) go on it. This is the CI run's failure on 5ce090d: every
     * message had arrived, but the test took the parking queue that was never made for "not empty" (its depth -1).
     */
    @Test
    void a_frozen_peer_that_answers_while_a_forwarder_opens_its_line_gets_everything_once_and_nothing_is_parked(
            @Provisioned({SHINJUKU, OSAKA, BUNKYO}) TestNetwork net) throws Exception {
        try (OsakaLines osaka = OsakaLines.proxied(net)) {
            Queued queued = stopWhileABatchWaitsOn(osaka, net);
            net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);

            // a forwarder of the restarted route is opening the backup line (the primary's handshake timed out): the
            // peer answers again within that handshake's timeout
            await().atMost(Duration.ofSeconds(60)).until(() -> osaka.backup().accepted() > 0);
            Thread.sleep(2000);
            assertThat(net.context(SHINJUKU).getBean(PeerLinks.class).knownDown(OSAKA)).as("never marked down").isFalse();
            osaka.thaw();

            allArriveOnceAfterTheThaw(net, queued);
            assertThat(parkedEver(net, SHINJUKU, OSAKA)).as("nothing parked for a peer never known down").isZero();
        }
    }

    /**
     * Starts the network with Osaka-shi behind {@code osaka}, warms Bunkyo-ku's line, freezes Osaka-shi, queues 40
     * messages for both and stops the forwarding route while a batch waits on the frozen peer's line: the stop ends
     * within its wait, not the peer's. The route stays stopped. Returns the ids queued for each peer.
     */
    private static Queued stopWhileABatchWaitsOn(OsakaLines osaka, TestNetwork net) throws Exception {
        List<String> forOsaka = new ArrayList<>();
        List<String> forBunkyo = new ArrayList<>();
        net.node(SHINJUKU).properties().put("jukibus.link.call-timeout", "3s"); // the stop waits 8 s
        net.start(SHINJUKU, OSAKA, BUNKYO);
        net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
        net.camel(BUNKYO).getRouteController().stopRoute(DELIVERY);
        forBunkyo.add("warm-1");
        net.put(SHINJUKU, "jukibus.outbound", new byte[] {11}, outbound("warm-1", BUNKYO)); // its line opens
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(BUNKYO), INBOUND) == 1);

        osaka.freeze(); // the frozen peer has no line yet: the first batch for it opens one, and waits
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);
        for (int i = 1; i <= 40; i++) {
            String id = "mixed-" + i;
            (i % 4 == 1 ? forOsaka : forBunkyo).add(id);
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {11}, outbound(id, i % 4 == 1 ? OSAKA : BUNKYO));
        }
        net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);
        await().atMost(Duration.ofSeconds(20)).until(() -> osaka.primary().accepted() > 0); // a thread is opening its line
        Thread.sleep(500);

        long stopping = System.nanoTime();
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the stop ends within its wait, not the peer's")
                .isLessThan(Duration.ofSeconds(8 + 6));
        return new Queued(forOsaka, forBunkyo);
    }

    /** The ids of the messages queued for the frozen peer and for the peer that is up (a test adds those it sends). */
    private record Queued(List<String> forOsaka, List<String> forBunkyo) {
    }

    /**
     * After the thaw: nothing waits any more on Shinjuku-ku, outbound or parked (a parking queue never made counts as
     * empty), and each message is on its recipient exactly once.
     */
    private static void allArriveOnceAfterTheThaw(TestNetwork net, Queued queued) throws Exception {
        await().atMost(Duration.ofSeconds(150)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0
                && parkedNow(net, SHINJUKU, OSAKA) == 0
                && BrokerStats.depth(net.broker(OSAKA), INBOUND) >= queued.forOsaka().size());
        assertThat(idsOn(net, OSAKA)).as("each exactly once, after it answers again").containsExactlyInAnyOrderElementsOf(queued.forOsaka());
        assertThat(idsOn(net, BUNKYO)).as("still each exactly once").containsExactlyInAnyOrderElementsOf(queued.forBunkyo());
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
    }

    /**
     * A peer holding a valid certificate whose broker confirms each batch just inside the call timeout (hostile, or
     * sick; analysis-months12 M4): before, every batch holding one of its messages waited for it, and the forwarding
     * to every other peer crawled at its pace, with nothing failing and no alert. Now the first batches that wait
     * for it mark it slow, and its messages are parked and forwarded on the slow lane: the fast peer gets all of its
     * messages while the slow one has had only a few (without the slow lane they arrive together, in step with the
     * interleaved queue), and the slow peer still gets each of its own, once.
     */
    @Test
    void a_peer_that_confirms_slowly_slows_only_its_own_messages_not_the_other_peers(
            @Provisioned(value = {SHINJUKU, OSAKA, BUNKYO}, started = {SHINJUKU, OSAKA, BUNKYO}) TestNetwork net) throws Exception {
        net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
        net.camel(BUNKYO).getRouteController().stopRoute(DELIVERY);
        net.camel(SHINJUKU).getRouteController().stopRoute(FORWARD);
        net.broker(BUNKYO).registerBrokerPlugin(new SlowConfirmations(Duration.ofSeconds(8)));
        int fast = 1000;
        int slow = 300;
        List<String> forBunkyo = new ArrayList<>();
        for (int i = 0, b = 0; i < fast; i++) { // interleaved: a BUNKYO message after every third or fourth OSAKA one
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {11}, outbound("fast-" + i, OSAKA));
            if (b < slow && (i * slow) / fast >= b) {
                forBunkyo.add("slow-" + b);
                net.put(SHINJUKU, "jukibus.outbound", new byte[] {12}, outbound("slow-" + b++, BUNKYO));
            }
        }
        assertThat(forBunkyo).hasSize(slow);

        net.camel(SHINJUKU).getRouteController().startRoute(FORWARD);

        long[] slowWhenFastDone = {-1};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long bunkyo = BrokerStats.depth(net.broker(BUNKYO), INBOUND);
            if (BrokerStats.depth(net.broker(OSAKA), INBOUND) < fast) {
                return false;
            }
            slowWhenFastDone[0] = bunkyo;
            return true;
        });
        assertThat(slowWhenFastDone[0]).as("the slow peer's messages that arrived by the time the fast peer had all of its own"
                + " (in step, without the slow lane: all %d)", slow).isLessThan(slow * 2 / 3);
        assertThat(net.context(SHINJUKU).getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("jukibus.link.slow.peers").gauge().value()).as("jukibus_link_slow_peers").isEqualTo(1.0);

        await().atMost(Duration.ofSeconds(180)).until(() -> BrokerStats.depth(net.broker(BUNKYO), INBOUND) >= slow
                && BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0 && parkedNow(net, SHINJUKU, BUNKYO) == 0);
        Thread.sleep(2000); // a second copy would arrive meanwhile
        assertThat(idsOn(net, BUNKYO)).as("each exactly once").containsExactlyInAnyOrderElementsOf(forBunkyo);
        assertThat(idsOn(net, OSAKA)).as("each exactly once").hasSize(fast).doesNotHaveDuplicates();
        assertThat(parkedEver(net, SHINJUKU, OSAKA)).as("envelopes parked for the fast peer").isZero();
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
    }

    /**
     * A broker that confirms each burst of sends late, as a hostile or sick peer may: the first send to the inbound
     * queue after a quiet spell waits {@code delay}, and those that come with it (the rest of a batch) go through after
     * it, so a batch is confirmed after about {@code delay} however many messages it holds.
     */
    private static final class SlowConfirmations implements org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin {
        private final Duration delay;
        private volatile long lastPassed;

        SlowConfirmations(Duration delay) {
            this.delay = delay;
        }

        @Override
        public void beforeSend(org.apache.activemq.artemis.core.server.ServerSession session,
                               org.apache.activemq.artemis.core.transaction.Transaction tx,
                               org.apache.activemq.artemis.api.core.Message message, boolean direct, boolean noAutoCreateQueue) {
            if (!INBOUND.equals(message.getAddress())) {
                return;
            }
            if (System.nanoTime() - lastPassed > java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500)) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            lastPassed = System.nanoTime();
        }
    }

    /**
     * {@code jukibus.link.batch-size=1}, the fallback: the forwarding route of before batching runs (one message per
     * transaction, the JMS consumer), the batched one does not; a message for a peer that is down is parked by the route
     * (PeerForwarder#forward, as before batching; no put-back copy on the outbound queue) and arrives once the peer is
     * up (review M1).
     */
    @Test
    void at_batch_size_1_the_forwarder_of_before_batching_runs(
            @Provisioned({SHINJUKU, OSAKA, BUNKYO}) TestNetwork net) throws Exception {
        net.node(SHINJUKU).properties().put("jukibus.link.batch-size", "1");
        net.start(SHINJUKU, OSAKA);
        net.camel(OSAKA).getRouteController().stopRoute(DELIVERY);
        assertThat(net.camel(SHINJUKU).getRouteController().getRouteStatus("forward-outbound-single").isStarted()).isTrue();
        assertThat(net.camel(SHINJUKU).getRouteController().getRouteStatus(FORWARD).isStarted()).isFalse();

        for (int i = 1; i <= 5; i++) {
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {10}, outbound("single-" + i, OSAKA));
            net.put(SHINJUKU, "jukibus.outbound", new byte[] {10}, outbound("waits-" + i, BUNKYO));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(OSAKA), INBOUND) == 5);
        assertThat(idsOn(net, OSAKA)).containsExactlyInAnyOrder("single-1", "single-2", "single-3", "single-4", "single-5");
        assertThat(parkedEver(net, SHINJUKU, OSAKA)).as("envelopes parked for a peer that is up (review-fwdbatch3 M1)").isZero();
        org.apache.activemq.artemis.core.server.Queue outbound = net.broker(SHINJUKU).locateQueue("jukibus.outbound");
        String parking = org.jukibus.flow.ParkedEnvelopes.queueOf(BUNKYO);
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), parking) == 5);
        assertThat(outbound.getMessagesAdded()).as("parked by the route: no put-back copies added").isEqualTo(10);
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound")).as("parked, not waiting here").isZero();

        net.node(BUNKYO).properties().put("jukibus.flows.transfer-in.enabled", "false"); // its delivery route stays stopped
        net.start(BUNKYO);
        await().atMost(Duration.ofSeconds(90)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> BrokerStats.depth(net.broker(BUNKYO), INBOUND) == 5);
        assertThat(idsOn(net, BUNKYO)).containsExactlyInAnyOrder("waits-1", "waits-2", "waits-3", "waits-4", "waits-5");
        assertThat(outbound.getMessagesAdded()).as("and moved back once each").isEqualTo(15);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
    }

    /** Central re-signs the directory with other endpoints for one node. */
    /**
     * Osaka-shi's two lines through proxies the test can freeze (a peer that stops answering without closing its
     * connections): the directory sends its peers to the proxies, Osaka-shi listens where they forward to.
     */
    private record OsakaLines(TcpProxy primary, TcpProxy backup) implements AutoCloseable {

        static OsakaLines proxied(TestNetwork net) throws Exception {
            Endpoint primary = net.node(OSAKA).primary();
            Endpoint backup = net.node(OSAKA).backup();
            Endpoint primaryProxy = new Endpoint("127.0.0.1", LoopbackPorts.next());
            Endpoint backupProxy = new Endpoint("127.0.0.1", LoopbackPorts.next());
            redirect(net, OSAKA, primaryProxy, backupProxy);
            net.node(OSAKA).properties().put("jukibus.link.listen-primary", primary.toString());
            net.node(OSAKA).properties().put("jukibus.link.listen-backup", backup.toString());
            TcpProxy toPrimary = new TcpProxy(primaryProxy.port(), primary.port()).restore();
            try {
                return new OsakaLines(toPrimary, new TcpProxy(backupProxy.port(), backup.port()).restore());
            } catch (IOException | RuntimeException e) {
                toPrimary.close();
                throw e;
            }
        }

        void freeze() {
            primary.freeze();
            backup.freeze();
        }

        void thaw() {
            primary.thaw();
            backup.thaw();
        }

        @Override
        public void close() throws IOException {
            try (TcpProxy p = primary; TcpProxy b = backup) {
                // both closed
            }
        }
    }

    private static void redirect(TestNetwork net, String code, Endpoint primary, Endpoint backup) throws Exception {
        Path file = net.network.directoryFile();
        CertificateAuthority ca = net.network.ca();
        NodeDirectory directory = DirectoryLoader.load(file, ca.certificate(), null, Clock.systemUTC());
        DirectoryBuilder builder = new DirectoryBuilder().serial(directory.serial() + 1).issuedAt(Instant.now());
        for (NodeEntry e : directory.all()) {
            builder.add(e.code().equals(code) ? new NodeEntry(e.role(), e.code(), e.name(), e.prefecture(), primary, backup,
                    e.certificate()) : e);
        }
        Files.write(file, DirectorySigner.sign(builder.build(), net.node("central").keys()));
    }

    /** The headers intake puts on an outbound message (LegacyIntake). */
    private static Map<String, String> outbound(String id, String recipient) {
        Map<String, String> headers = new HashMap<>();
        headers.put(Headers.MESSAGE_ID, id);
        headers.put(Headers.DUPLICATE_ID, id);
        headers.put(Headers.TYPE, "TransferInNotice");
        headers.put(Headers.RECIPIENT, recipient);
        headers.put(Headers.ADDRESS, INBOUND);
        return headers;
    }

    /**
     * Envelopes parked on {@code node} for {@code peer} now, refused ones included; 0 if it never made those queues
     * (BrokerStats.depth says -1 for a queue that does not exist, which an "== 0" would wait on for ever).
     */
    private static long parkedNow(TestNetwork net, String node, String peer) {
        long parked = 0;
        for (String queue : List.of(org.jukibus.flow.ParkedEnvelopes.queueOf(peer), org.jukibus.flow.ParkedEnvelopes.refusedQueueOf(peer))) {
            parked += Math.max(0, BrokerStats.depth(net.broker(node), queue));
        }
        return parked;
    }

    /** Envelopes {@code node} ever parked for {@code peer} (0 if it never made that peer's parking queue). */
    private static long parkedEver(TestNetwork net, String node, String peer) {
        org.apache.activemq.artemis.core.server.Queue queue = net.broker(node).locateQueue(org.jukibus.flow.ParkedEnvelopes.queueOf(peer));
        return queue == null ? 0 : queue.getMessagesAdded();
    }

    private static List<String> idsOn(TestNetwork net, String node) throws Exception {
        return idsIn(net, node, INBOUND);
    }

    private static List<String> idsIn(TestNetwork net, String node, String queue) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Message m : net.browse(node, queue)) {
            ids.add(m.getStringProperty(Headers.MESSAGE_ID));
        }
        return ids;
    }
}
