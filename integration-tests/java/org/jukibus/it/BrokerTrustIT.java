package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.transferin.TransferInNotice;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.pki.KeyStores;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer with a valid certificate cannot influence how another peer's messages are de-duplicated or
 * dead-lettered, whatever ids it puts on its own (broker/PeerMessageIds): a raw Artemis client holding
 * Shinjuku's real certificate and key, as a hostile municipality would write one.
 */
@Tag("slow")
class BrokerTrustIT {

    static final String PASSWORD = "test-store-password";

    @TempDir
    static Path root;
    @Provisioned(value = {TOKYO_PREF, SHINJUKU, BUNKYO}, started = {TOKYO_PREF, SHINJUKU, BUNKYO})
    static TestNetwork net;
    static Path truststore;

    @BeforeAll
    static void start() throws Exception {
        truststore = root.resolve("truststore.p12");
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), PASSWORD.toCharArray());
    }

    /**
     * 第6の3: Bunkyo confirms to Tokyo the transfer-in notice Shinjuku sends it, with an id derived from the
     * notice's, which Shinjuku knows before it sends. Shinjuku first puts junk with that id on Tokyo's broker.
     */
    @Test
    void a_peer_cannot_make_another_peers_message_a_duplicate() throws Exception {
        String resident = "50000000091";
        IdentityRecords.seed(net, TOKYO_PREF, resident, BUNKYO);
        byte[] notice = Notices.transferIn("POISON-1", resident, SHINJUKU, BUNKYO);
        String noticeId = MessageIds.forInput(SHINJUKU, notice);
        String bunkyosConfirmation = MessageIds.answerOf("transfer-out", SHINJUKU, noticeId);
        int deadBefore = DeadLetterAssert.count(net, TOKYO_PREF);

        try (Connection c = connectAs(net.node(SHINJUKU), TOKYO_PREF)) {
            send(c, "jukibus.inbound.transfer-out", "junk".getBytes(StandardCharsets.UTF_8),
                    Map.of(Headers.DUPLICATE_ID, bunkyosConfirmation));
        }
        // the junk is refused, with its reason, as any junk is
        assertThat(DeadLetterAssert.next(net, TOKYO_PREF, deadBefore).reason()).isEqualTo("MALFORMED");

        net.drop(SHINJUKU, "transfer-in", "POISON-1.xml", notice);

        // Bunkyo's real confirmation still arrives and is noted, with Tokyo's receipt back to Bunkyo
        await().atMost(Duration.ofSeconds(90)).until(() -> !IdentityRecords.annotations(net, TOKYO_PREF, resident).isEmpty());
        List<Map<String, Object>> notes = IdentityRecords.annotations(net, TOKYO_PREF, resident);
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).get("confirmation_message_id")).isEqualTo(bunkyosConfirmation);
        assertThat(notes.get(0).get("old_municipality")).isEqualTo(BUNKYO);
        Path receipt = net.node(BUNKYO).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(TOKYO_PREF + "-" + MessageIds.receiptOf(BUNKYO, bunkyosConfirmation) + ".xml");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(receipt));
        assertThat(DeadLetterAssert.count(net, TOKYO_PREF)).isEqualTo(deadBefore + 1);
    }

    /**
     * A client that sends without a JMS message id, or with one of its choosing (the Artemis user id), would
     * have its dead letters collide on their duplicate id ({@code dlq:<JMSMessageID>}): each must still end in the
     * dead-letter queue once, with its reason.
     */
    @Test
    void every_refused_message_is_dead_lettered_with_its_reason_whatever_ids_the_sender_chose() throws Exception {
        int before = DeadLetterAssert.count(net, BUNKYO);
        Object chosen = UUIDGenerator.getInstance().generateUUID();
        try (Connection c = connectAs(net.node(SHINJUKU), BUNKYO)) {
            for (Object userId : new Object[] {null, null, chosen, chosen}) {
                send(c, "jukibus.inbound.transfer-in", ("junk " + userId).getBytes(StandardCharsets.UTF_8), Map.of(), userId);
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> DeadLetterAssert.count(net, BUNKYO) >= before + 4);
        List<Message> dead = net.browse(BUNKYO, "jukibus.dlq").subList(before, before + 4);
        List<String> ids = new ArrayList<>();
        for (Message m : dead) {
            assertThat(m.getStringProperty(Headers.REJECT_REASON)).isEqualTo("MALFORMED");
            ids.add(m.getJMSMessageID());
        }
        assertThat(ids).doesNotHaveDuplicates().doesNotContainNull();
        // and nothing more trickles in later (a message looping through failed transactions)
        Thread.sleep(3_000);
        assertThat(DeadLetterAssert.count(net, BUNKYO)).isEqualTo(before + 4);
    }

    /**
     * A broker redelivery (same broker message id) of a delivered envelope is answered again but not delivered
     * twice; a new copy is a replay. A sender choosing the first copy's message id for the second cannot pass
     * its copy off as a redelivery: it is refused as REPLAY.
     */
    @Test
    void a_copy_sent_with_the_first_copys_message_id_is_still_a_replay() throws Exception {
        String resident = "50000000105";
        IdentityRecords.seed(net, TOKYO_PREF, resident, BUNKYO); // so that Bunkyo's confirmation of it is noted, not dead-lettered
        byte[] payload = Notices.transferIn("REPLAY-1", resident, SHINJUKU, BUNKYO);
        String id = java.util.UUID.randomUUID().toString();
        byte[] envelope = net.context(SHINJUKU).getBean(NodeEnvelopes.class).seal(TransferInNotice.TYPE, BUNKYO, id, null,
                SecureXml.parse(payload));
        Object chosen = UUIDGenerator.getInstance().generateUUID();
        int before = DeadLetterAssert.count(net, BUNKYO);

        try (Connection c = connectAs(net.node(SHINJUKU), BUNKYO)) {
            send(c, "jukibus.inbound.transfer-in", envelope, Map.of(), chosen);
            await().atMost(Duration.ofSeconds(60)).until(() -> net.deliveredIds(BUNKYO, "transfer-in").contains(id));
            send(c, "jukibus.inbound.transfer-in", envelope, Map.of(), chosen);
        }
        assertThat(DeadLetterAssert.next(net, BUNKYO, before).reason()).isEqualTo("REPLAY");
        assertThat(net.deliveredIds(BUNKYO, "transfer-in")).containsOnlyOnce(id);
    }

    private static Connection connectAs(ProvisionedNode node, String target) throws Exception {
        Path keystore = root.resolve("client-" + node.spec().code() + ".p12");
        if (!Files.exists(keystore)) {
            KeyStores.writeKeyStore(keystore, node.keys(), PASSWORD.toCharArray());
        }
        return TlsPeer.connect(net.node(target).primary(), keystore, PASSWORD, truststore, PASSWORD);
    }

    private static void send(Connection c, String address, byte[] body, Map<String, String> properties) throws Exception {
        send(c, address, body, properties, UUIDGenerator.getInstance().generateUUID());
    }

    /** Sends with the Artemis user id (the JMSMessageID) {@code userId}, or none when null, as a client may. */
    private static void send(Connection c, String address, byte[] body, Map<String, String> properties, Object userId)
            throws Exception {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(address));
        p.setDisableMessageID(true);
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(body);
        for (Map.Entry<String, String> property : properties.entrySet()) {
            m.setStringProperty(property.getKey(), property.getValue());
        }
        ((ActiveMQMessage) m).getCoreMessage().setUserID(userId);
        p.send(m);
        s.close();
    }
}
