package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.junit.jupiter.api.Test;

/** Who is refused at the disk bound, and how: see {@link DiskFullRefusalTest} for the node's sends on a real broker. */
class DiskFullRefusalPluginTest {

    @Test
    void a_peers_send_at_the_bound_fails_its_connection_so_an_asynchronous_send_is_not_confirmed_as_stored() throws Exception {
        DiskFullRefusal plugin = registered(true);
        RemotingConnection connection = mock(RemotingConnection.class);
        ServerSession peer = mock(ServerSession.class);
        when(peer.getRemotingConnection()).thenReturn(connection);
        when(peer.getValidatedUser()).thenReturn("131059");
        Transaction tx = mock(Transaction.class);

        // a peer cannot pass as the node's heartbeat
        assertThatThrownBy(() -> plugin.beforeSend(peer, tx, message(org.jukibus.monitoring.NodeHeartbeat.TYPE), false, false))
                .isInstanceOf(ActiveMQAddressFullException.class);
        verify(connection).fail(any(ActiveMQException.class));
        verify(tx).markAsRollbackOnly(any(ActiveMQException.class));
    }

    @Test
    void the_nodes_own_send_is_refused_on_its_session_but_its_heartbeat_passes_and_nothing_is_refused_with_room() throws Exception {
        RemotingConnection connection = mock(RemotingConnection.class);
        Subject subject = new Subject();
        subject.getPrincipals().add(new RolePrincipal(NodeSecurityManager.LOCAL_ROLE));
        when(connection.getSubject()).thenReturn(subject);
        ServerSession node = mock(ServerSession.class);
        when(node.getRemotingConnection()).thenReturn(connection);

        DiskFullRefusal full = registered(true);
        assertThatThrownBy(() -> full.beforeSend(node, null, message("TransferInNotice"), false, false))
                .isInstanceOf(ActiveMQAddressFullException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(DiskFullRefusal.refused(e)).isTrue());
        assertThatCode(() -> full.beforeSend(node, null, message(org.jukibus.monitoring.NodeHeartbeat.TYPE), false, false)).doesNotThrowAnyException();
        verify(connection, never()).fail(any(ActiveMQException.class));

        assertThatCode(() -> registered(false).beforeSend(node, null, message("TransferInNotice"), false, false))
                .doesNotThrowAnyException();
    }

    private static DiskFullRefusal registered(boolean diskFull) {
        PagingManager paging = mock(PagingManager.class);
        when(paging.isDiskFull()).thenReturn(diskFull);
        ActiveMQServer server = mock(ActiveMQServer.class);
        when(server.getPagingManager()).thenReturn(paging);
        DiskFullRefusal plugin = new DiskFullRefusal();
        plugin.registered(server);
        return plugin;
    }

    private static Message message(String type) {
        Message m = new CoreMessage(1, 512);
        m.setAddress("jukibus.outbound");
        m.putStringProperty(org.jukibus.flow.Headers.TYPE, type); // as Answers.seal sets it on every message the node sends
        return m;
    }
}
