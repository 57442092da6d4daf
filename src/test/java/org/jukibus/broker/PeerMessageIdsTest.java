package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.reader.MessageUtil;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.junit.jupiter.api.Test;

/**
 * A peer cannot steer how or when the broker delivers its message: a message that expires on the broker is
 * dropped there without a dead letter, one at priority 9 overtakes every other peer's, one scheduled or grouped
 * is held back, one carrying {@code _AMQ_ORIG_ADDRESS} is sent there by a console's "retry".
 */
class PeerMessageIdsTest {

    private static final long NEXT_YEAR = 1_830_000_000_000L;

    @Test
    void a_peer_cannot_set_how_or_when_the_broker_delivers_its_message() {
        Message m = steered();
        new PeerMessageIds().beforeSend(peer("131041"), null, m, false, false);

        assertThat(m.getExpiration()).isZero();
        assertThat(m.getPriority()).isEqualTo((byte) 4);
        assertThat(m.getScheduledDeliveryTime()).isIn(null, 0L);
        assertThat((Object) m.getGroupID()).isNull();
        for (SimpleString property : new SimpleString[] {Message.HDR_SCHEDULED_DELIVERY_TIME, Message.HDR_GROUP_ID,
                Message.HDR_GROUP_SEQUENCE, Message.HDR_ORIGINAL_ADDRESS, Message.HDR_ORIGINAL_QUEUE,
                Message.HDR_ROUTE_TO_ACK_IDS, Message.HDR_LAST_VALUE_NAME, MessageUtil.REPLYTO_HEADER_NAME}) {
            assertThat(m.containsProperty(property)).as(property.toString()).isFalse();
        }
        assertThat(m.getStringProperty("JukibusMessageId")).isEqualTo("m-1"); // what the node reads stays
    }

    /**
     * Review M4: a message the broker dead-letters itself keeps its properties; a peer's dead-letter marks there
     * (owed a notice, to whom, about what) would make this node tell a third node of a message it chose.
     */
    @Test
    void a_peer_cannot_set_the_nodes_own_properties_but_the_id_and_type_it_sends() {
        Message m = steered();
        m.putStringProperty("JukibusType", "TransferInNotice");
        m.putStringProperty("JukibusSenderNotice", "OWED");
        m.putStringProperty("JukibusSender", "131059");
        m.putStringProperty("JukibusCreatedAt", "2026-01-01T00:00:00Z");
        m.putStringProperty("JukibusReplayOf", "ID:someone-elses");
        new PeerMessageIds().beforeSend(peer("131041"), null, m, false, false);

        for (String forged : new String[] {"JukibusSenderNotice", "JukibusSender", "JukibusCreatedAt", "JukibusReplayOf"}) {
            assertThat(m.containsProperty(SimpleString.of(forged))).as(forged).isFalse();
        }
        assertThat(m.getStringProperty("JukibusMessageId")).isEqualTo("m-1");
        assertThat(m.getStringProperty("JukibusType")).isEqualTo("TransferInNotice");
    }

    @Test
    void the_node_itself_keeps_what_it_sets() {
        Message m = steered();
        new PeerMessageIds().beforeSend(nodeItself(), null, m, false, false);

        assertThat(m.getExpiration()).isEqualTo(NEXT_YEAR);
        assertThat(m.getPriority()).isEqualTo((byte) 9);
        assertThat(m.getStringProperty(Message.HDR_ORIGINAL_ADDRESS)).isEqualTo("jukibus.outbound");
    }

    private static Message steered() {
        Message m = new CoreMessage(1, 512);
        m.setAddress("jukibus.inbound.transfer-in");
        m.setExpiration(NEXT_YEAR);
        m.setPriority((byte) 9);
        m.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, NEXT_YEAR);
        m.putStringProperty(Message.HDR_GROUP_ID, "all-mine");
        m.putIntProperty(Message.HDR_GROUP_SEQUENCE, 1);
        m.putStringProperty(Message.HDR_ORIGINAL_ADDRESS, "jukibus.outbound");
        m.putStringProperty(Message.HDR_ORIGINAL_QUEUE, "jukibus.outbound");
        m.putBytesProperty(Message.HDR_ROUTE_TO_ACK_IDS, new byte[8]);
        m.putStringProperty(Message.HDR_LAST_VALUE_NAME, "last");
        m.putStringProperty(MessageUtil.REPLYTO_HEADER_NAME, "queue://jukibus.dlq");
        m.putStringProperty("JukibusMessageId", "m-1");
        return m;
    }

    private static ServerSession peer(String code) {
        ServerSession session = mock(ServerSession.class);
        when(session.getValidatedUser()).thenReturn(code);
        return session;
    }

    private static ServerSession nodeItself() {
        Subject subject = new Subject();
        subject.getPrincipals().add(new RolePrincipal(NodeSecurityManager.LOCAL_ROLE));
        RemotingConnection connection = mock(RemotingConnection.class);
        when(connection.getSubject()).thenReturn(subject);
        ServerSession session = mock(ServerSession.class);
        when(session.getRemotingConnection()).thenReturn(connection);
        when(session.getValidatedUser()).thenReturn(NodeSecurityManager.LOCAL_USER);
        return session;
    }
}
