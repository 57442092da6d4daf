package org.jukibus.broker;

import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Refuses every send while the broker's disk is at its bound ({@code min-disk-free} in broker.xml), at once, instead
 * of letting it wait.
 *
 * <p>Artemis 2.40 stops producers at the disk bound only through producer credits
 * ({@code PagingStoreImpl.checkMemory}, reached from {@code ServerSessionImpl.requestProducerCredits}), and a core
 * client waits for credits with no timeout ({@code ClientProducerCreditsImpl.actualAcquire} retries every 10 s for
 * ever): every local send of the node (intake, answers and receipts in delivery transactions, parking, owed notices,
 * the heartbeat) would hang its thread, and the node stop silently. A client without credits
 * ({@code producerWindowSize=-1}: the node's in-VM client, and {@code link.PeerLink} towards peers) is not stopped
 * by the broker at all, and would fill the disk to the last byte. So the node's clients take no credits, and this
 * plugin refuses their sends at the bound: the send fails with {@link ActiveMQAddressFullException}, which the node
 * counts as an outage ({@code flow.DeliveryFailures}): the delivery transaction rolls back and the queue is suspended,
 * a legacy file stays in the intake's error folder with the reason, a peer's forwarder keeps the message on its own
 * outbound queue (its connection is failed too: see {@link #beforeSend}). A send in a transaction also marks it
 * rollback-only, so a commit cannot keep a part of it. The node's own sends are all synchronous (the refusal comes back
 * as the send's exception).
 *
 * <p>One exception: the node's own heartbeat (type {@value #HEARTBEAT_TYPE} to {@value #OUTBOUND}), a few KB a minute, so that
 * central hears that the disk is full (the health component {@code brokerDisk}, management.NodeHealth) instead of
 * nothing. A peer cannot use it: a peer's send is never the node's own ({@link PeerMessageIds#isNodeItself}).
 *
 * <p>Registered in every role's broker.xml ({@code <broker-plugins>}), in the broker plugin jar with
 * {@link PeerMessageIds}; depends on nothing of jukibus but compile-time constants.
 */
public final class DiskFullRefusal implements ActiveMQServerPlugin {

    /** The start of the refusal's message, by which {@link #refused} knows it on the client's side. */
    static final String MESSAGE = "jukibus: the broker's disk is at its bound (min-disk-free in broker.xml), send refused";
    /** The JMS property naming a message's type, as the node sends it (flow.Headers.TYPE), and the heartbeat's type
     * (monitoring.NodeHeartbeat.TYPE); the node sends its heartbeat to this address. */
    static final String TYPE_PROPERTY = "JukibusType";
    static final String HEARTBEAT_TYPE = "NodeHeartbeat";
    static final String OUTBOUND = "jukibus.outbound";

    /** The server, not its paging manager: the plugins are registered before the server makes one. */
    private volatile ActiveMQServer server;

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQAddressFullException {
        ActiveMQServer registeredWith = server;
        PagingManager manager = registeredWith == null ? null : registeredWith.getPagingManager();
        if (manager == null || !manager.isDiskFull()) {
            return;
        }
        if (HEARTBEAT_TYPE.equals(message.getStringProperty(TYPE_PROPERTY)) && OUTBOUND.equals(message.getAddress())
                && PeerMessageIds.isNodeItself(session)) {
            return;
        }
        // no figures of the disk in it: a peer reads it too
        ActiveMQAddressFullException refusal = new ActiveMQAddressFullException(MESSAGE);
        if (tx != null) {
            tx.markAsRollbackOnly(refusal);
        }
        if (!PeerMessageIds.isNodeItself(session) && session.getRemotingConnection() != null) {
            // a peer's sends may be asynchronous (link.PeerLink's batches): the broker answers a failed asynchronous
            // send with nothing but the confirmation it gives a stored one, so the peer would count the message
            // stored and drop it. Failing its connection leaves every unconfirmed send failed at the peer, which
            // keeps the message; as Artemis does for protocols without flow control at the disk bound
            session.getRemotingConnection().fail(refusal);
        }
        throw refusal;
    }

    /** True if {@code failure} or one of its causes is this plugin's refusal: the broker's disk is full, for now. */
    public static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ActiveMQAddressFullException && t.getMessage() != null && t.getMessage().contains(MESSAGE)) {
                return true;
            }
        }
        return false;
    }
}
