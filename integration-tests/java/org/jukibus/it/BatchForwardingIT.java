package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.core.server.Queue;
import org.jukibus.broker.BrokerStats;
import org.jukibus.flow.Headers;
import org.jukibus.link.PeerLinks;
import org.junit.jupiter.api.Test;

/**
 * The forwarder moves the outbound queue in batches (flow.PeerForwarder): a peer that is down must not hold up
 * the other peers' messages of the same batch, a message that can never go must not hold up (or roll back) the
 * others and reaches the dead-letter queue with its reason, and a batch sent but not committed locally (a crash
 * between the peers' store and the local commit) is sent again and each peer keeps one copy.
 */
class BatchForwardingIT {

    static final int PER_PEER = 150;
    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final String NO_TYPE = "0b7a4d9e-3c1f-4e2a-9b8d-000000000001";
    static final String NOWHERE = "0b7a4d9e-3c1f-4e2a-9b8d-000000000002";

    @Test
    void a_peer_that_is_down_does_not_hold_up_the_others_and_gets_its_messages_once_it_is_up(
            @Provisioned(value = {SHINJUKU, OSAKA, BUNKYO}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.camel(SHINJUKU).getRouteController().stopRoute("forward-outbound");
        for (int i = 0; i < PER_PEER; i++) { // interleaved: every batch holds both peers' messages
            outbound(net, OSAKA, "to-osaka-" + i);
            outbound(net, BUNKYO, "to-bunkyo-" + i);
        }
        net.camel(SHINJUKU).getRouteController().startRoute("forward-outbound");

        Queue osaka = net.broker(OSAKA).locateQueue(INBOUND);
        await().atMost(Duration.ofSeconds(30)).until(() -> osaka.getMessagesAdded() >= PER_PEER);
        // (and this node's own heartbeats for central, which is not running)
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound")).as("Bunkyo's wait").isGreaterThanOrEqualTo(PER_PEER);

        net.start(BUNKYO);
        Queue bunkyo = net.broker(BUNKYO).locateQueue(INBOUND);
        await().atMost(Duration.ofSeconds(90)).until(() -> bunkyo.getMessagesAdded() >= PER_PEER);
        Thread.sleep(2000); // anything sent twice would have arrived by now
        assertThat(osaka.getMessagesAdded()).as("none lost, none twice").isEqualTo(PER_PEER);
        assertThat(bunkyo.getMessagesAdded()).as("none lost, none twice").isEqualTo(PER_PEER);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
    }

    @Test
    void a_batch_stored_at_the_peer_but_not_committed_here_is_sent_again_and_the_peer_keeps_one_copy(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.camel(SHINJUKU).getRouteController().stopRoute("forward-outbound");
        for (int i = 0; i < PER_PEER; i++) {
            outbound(net, OSAKA, "crash-" + i);
        }
        Queue osaka = net.broker(OSAKA).locateQueue(INBOUND);
        // the first attempt: taken in a local transaction, stored by the peer, and then the "crash": no local commit
        PeerLinks links = net.context(SHINJUKU).getBean(PeerLinks.class);
        try (Connection c = net.local(SHINJUKU).createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            c.start();
            MessageConsumer consumer = s.createConsumer(s.createQueue("jukibus.outbound"));
            List<PeerLinks.Outgoing> batch = new ArrayList<>();
            for (int i = 0; i < PER_PEER; i++) {
                BytesMessage m = (BytesMessage) consumer.receive(5000);
                String id = m.getStringProperty(Headers.MESSAGE_ID);
                batch.add(new PeerLinks.Outgoing(INBOUND, TestNetwork.body(m), id,
                        Map.of(Headers.MESSAGE_ID, id, Headers.TYPE, m.getStringProperty(Headers.TYPE))));
            }
            assertThat(links.sendAll(Map.of(OSAKA, batch), Duration.ofSeconds(30))).as("no peer failed").isEmpty();
            assertThat(osaka.getMessagesAdded()).isEqualTo(PER_PEER);
        } // closed uncommitted, as a crash leaves it: every message is back on the outbound queue
        assertThat(BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound")).isEqualTo(PER_PEER);

        net.camel(SHINJUKU).getRouteController().startRoute("forward-outbound");

        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerStats.depth(net.broker(SHINJUKU), "jukibus.outbound") == 0);
        Thread.sleep(500);
        assertThat(osaka.getMessagesAdded()).as("the resends were dropped as duplicates").isEqualTo(PER_PEER);
        assertThat(net.browse(SHINJUKU, "jukibus.dlq")).isEmpty();
    }

    @Test
    void a_malformed_message_and_one_for_an_unknown_recipient_are_dead_lettered_with_their_reason_and_the_rest_of_the_batch_goes(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        net.camel(SHINJUKU).getRouteController().stopRoute("forward-outbound");
        for (int i = 0; i < 20; i++) {
            outbound(net, OSAKA, "good-" + i);
            if (i == 10) { // in the middle of what becomes one batch
                Map<String, String> noType = new LinkedHashMap<>();
                noType.put(Headers.RECIPIENT, OSAKA);
                noType.put(Headers.ADDRESS, INBOUND);
                noType.put(Headers.MESSAGE_ID, NO_TYPE);
                net.put(SHINJUKU, "jukibus.outbound", "no type".getBytes(java.nio.charset.StandardCharsets.UTF_8), noType);
                outbound(net, "999999", NOWHERE);
            }
        }
        net.camel(SHINJUKU).getRouteController().startRoute("forward-outbound");

        Queue osaka = net.broker(OSAKA).locateQueue(INBOUND);
        await().atMost(Duration.ofSeconds(30)).until(() -> osaka.getMessagesAdded() >= 20
                && net.browse(SHINJUKU, "jukibus.dlq").size() >= 2);
        Map<String, String> reasons = new LinkedHashMap<>();
        for (jakarta.jms.Message m : net.browse(SHINJUKU, "jukibus.dlq")) {
            reasons.put(m.getStringProperty(Headers.MESSAGE_ID), m.getStringProperty(Headers.REJECT_REASON));
            assertThat(m.getStringProperty(Headers.DEAD_LETTERED_FROM)).isEqualTo("jukibus.outbound");
        }
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(NO_TYPE, "MALFORMED", NOWHERE, "UNKNOWN_RECIPIENT"));
        Thread.sleep(1000);
        assertThat(osaka.getMessagesAdded()).as("none lost, none twice").isEqualTo(20);
        List<String> left = new ArrayList<>(); // (this node's own heartbeats for central, which is not running, wait)
        for (jakarta.jms.Message m : net.browse(SHINJUKU, "jukibus.outbound")) {
            if (!Codes.CENTRAL.equals(m.getStringProperty(Headers.RECIPIENT))) {
                left.add(m.getStringProperty(Headers.MESSAGE_ID));
            }
        }
        assertThat(left).as("nothing left, nothing retried").isEmpty();
    }

    /** A message on the sender's outbound queue as intake puts it there (the body need not be an envelope here). */
    private static void outbound(TestNetwork net, String recipient, String id) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Headers.RECIPIENT, recipient);
        headers.put(Headers.ADDRESS, INBOUND);
        headers.put(Headers.MESSAGE_ID, id);
        headers.put(Headers.TYPE, "TransferInNotice");
        headers.put(Headers.CREATED_AT, Instant.now().toString());
        net.put(SHINJUKU, "jukibus.outbound", ("envelope " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }
}
