package org.jukibus.flow.nondelivery;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * Whether a non-delivery notice (不達通知) with a given id was already sent: its id is in the duplicate-id cache of
 * this node's {@code jukibus.outbound} (persisted in the journal, so it holds across a restart and a failover).
 * A notice's id is made from its sender and message id, the same however often it is made; a second send with it
 * would make the broker roll back the whole transaction it is in (the dead letter, the owed letter's put-back, a
 * purge), every time. A hostile peer can bring that about (an expired copy of a message already owed a notice), so
 * the notice is not sent again: the sender was told, once.
 */
@FunctionalInterface
public interface SentNotices {

    boolean alreadySent(String noticeId);

    /** The cache of {@code broker}'s outbound address, where this node sends its notices. */
    static SentNotices of(ActiveMQServer broker) {
        return noticeId -> broker.getPostOffice().getDuplicateIDCache(SimpleString.of(NonDeliveryNotices.OUTBOUND))
                .contains(SimpleString.of(noticeId).getData());
    }
}
