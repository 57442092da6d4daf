package org.jukibus.broker;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.reader.MessageUtil;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * Makes the ids on a message a peer sends the broker's, never the peer's: a peer holding a valid
 * certificate may be hostile, and it must not influence how other peers' messages are
 * de-duplicated or dead-lettered.
 *
 * <ul>
 *   <li><b>Duplicate id</b> ({@code _AMQ_DUPL_ID}). Artemis keeps one duplicate-id cache per address,
 *       for all senders: a peer that sent junk with the id of another peer's future message (jukibus's
 *       ids are predictable, e.g. a transfer-out confirmation's is derived from the transfer-in
 *       notice's) would make the broker drop that message silently. The id is rewritten to
 *       {@code <authenticated user>/<id>}: a peer's retried send of the same message (PeerLink, after a
 *       failure mid-send or on the other line) is still dropped, another peer's id can no longer
 *       collide with it. The node's own sends ({@value NodeSecurityManager#LOCAL_ROLE}) keep their ids
 *       ({@code dlq:…}, {@code replay:…}), which start otherwise than any node code and so never meet a
 *       peer's.</li>
 *   <li><b>Bridge duplicate id</b> ({@code _AMQ_BRIDGE_DUP}): only Artemis core bridges set it, and a
 *       message carrying it skips the duplicate-id cache above. No peer uses a bridge: removed.</li>
 *   <li><b>Message id</b> (the user id behind {@code JMSMessageID}). A client may send none or one of its
 *       choosing; the node derives from it the duplicate id of a dead letter and tells a broker
 *       redelivery from a replay by it (flow/SeenMessages). Every peer message gets a fresh one here.</li>
 *   <li><b>How and when the broker delivers it</b>, which no node sets on what it sends: an expiration (the
 *       broker drops an expired message without a dead letter, and the outage window is the envelope's
 *       created-at, checked by the node), a scheduled delivery time, a priority (a peer's flood at priority 9
 *       would starve every other peer's messages on the same queue), a message group, a JMS reply-to (the node's consumers ignore it too), the routing a cluster
 *       sets ({@code _AMQ_ROUTE_TO*}: one asks the broker to acknowledge the message as it stores it), and the
 *       {@code _AMQ_ORIG_*} headers the broker itself sets on a dead letter (a console's "retry" sends a
 *       message back to {@code _AMQ_ORIG_ADDRESS}). All cleared: every peer message is delivered at once,
 *       in turn, and is either delivered or dead-lettered with a reason.</li>
 *   <li><b>The node's own properties</b> ({@code Jukibus*}) but the message id and type a node sends with an
 *       envelope: a message the broker dead-letters itself (its last resort) reaches {@code jukibus.dlq} with the
 *       properties it has, and a peer's {@code JukibusSenderNotice} OWED and {@code JukibusSender} there would have
 *       this node send a signed non-delivery notice to whom the peer chose, about what it chose.</li>
 * </ul>
 *
 * <p>A message plugin ({@code beforeSend}); broker.xml accepts only the full plugin interface. Runs before the broker
 * checks duplicates and permissions. Registered in every role's broker.xml
 * ({@code <broker-plugins>}), so the standalone Artemis applies it too (run-standalone.sh puts the
 * plugin's jar in the instance's lib/). Depends on nothing of jukibus but {@link NodeSecurityManager}'s
 * role name, a compile-time constant.
 */
public final class PeerMessageIds implements ActiveMQServerPlugin {

    /** Between the sender and its id; no node code contains it. */
    private static final String SEPARATOR = "/";
    /** What a JMS producer sends with unless told otherwise, as the nodes do. */
    static final byte DEFAULT_PRIORITY = 4;
    /** Properties by which a client steers delivery, or the broker marks a dead letter's origin. */
    static final List<SimpleString> DELIVERY_PROPERTIES = List.of(Message.HDR_SCHEDULED_DELIVERY_TIME,
            Message.HDR_GROUP_ID, Message.HDR_GROUP_SEQUENCE, Message.HDR_LAST_VALUE_NAME,
            Message.HDR_ORIGINAL_ADDRESS, Message.HDR_ORIGINAL_QUEUE, Message.HDR_ORIG_MESSAGE_ID,
            Message.HDR_ORIG_ROUTING_TYPE, Message.HDR_ROUTE_TO_IDS, Message.HDR_ROUTE_TO_ACK_IDS,
            Message.HDR_SCALEDOWN_TO_IDS, MessageUtil.REPLYTO_HEADER_NAME);

    /** The node's own properties; a dead letter's marks among them (JukibusSenderNotice: whom it owes a notice). */
    static final String NODE_PROPERTY_PREFIX = "Jukibus";
    /** The node properties a node sends with an envelope to its peer (flow.PeerForwarder): the only ones a peer may set. */
    static final Set<String> FROM_PEERS = Set.of("JukibusMessageId", "JukibusType");

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) {
        if (isNodeItself(session)) {
            return;
        }
        String user = session.getValidatedUser() == null ? "" : session.getValidatedUser();
        Object duplicateId = message.getDuplicateProperty();
        if (duplicateId instanceof byte[] bytes) {
            ByteArrayOutputStream owned = new ByteArrayOutputStream();
            owned.writeBytes(SimpleString.of(user + SEPARATOR).getData()); // as the broker encodes a string id
            owned.writeBytes(bytes);
            message.putBytesProperty(Message.HDR_DUPLICATE_DETECTION_ID, owned.toByteArray());
        } else if (duplicateId != null) {
            message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, user + SEPARATOR + duplicateId);
        }
        message.removeProperty(Message.HDR_BRIDGE_DUPLICATE_ID);
        message.setExpiration(0);
        message.setPriority(DEFAULT_PRIORITY);
        for (SimpleString delivery : DELIVERY_PROPERTIES) {
            message.removeProperty(delivery);
        }
        for (SimpleString name : List.copyOf(message.getPropertyNames())) {
            if (name.toString().startsWith(NODE_PROPERTY_PREFIX) && !FROM_PEERS.contains(name.toString())) {
                message.removeProperty(name);
            }
        }
        message.setUserID(UUIDGenerator.getInstance().generateUUID());
        message.messageChanged(); // the user id is in the encoded header: encode again
    }

    /** The node on its own broker: in-VM when embedded, its own certificate when standalone; role node-local either way. */
    static boolean isNodeItself(ServerSession session) {
        Subject subject = session.getRemotingConnection() == null ? null : session.getRemotingConnection().getSubject();
        return subject != null && subject.getPrincipals(RolePrincipal.class).stream()
                .anyMatch(role -> NodeSecurityManager.LOCAL_ROLE.equals(role.getName()));
    }
}
