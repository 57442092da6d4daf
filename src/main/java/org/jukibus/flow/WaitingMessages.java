package org.jukibus.flow;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages in the outbound queue that wait out a redelivery delay because their recipient was
 * down. The delay doubles up to a minute (broker-config), so without this a peer that restarts in
 * ten seconds would get its messages up to a minute later; instead they are released the moment
 * a line to that peer opens again, and all of them when this node starts (its peers may well be
 * up by now: the first attempt tells).
 */
public final class WaitingMessages {

    private static final Logger log = LoggerFactory.getLogger(WaitingMessages.class);
    static final String OUTBOUND = "jukibus.outbound";

    private final ActiveMQServer broker;

    public WaitingMessages(ActiveMQServer broker) {
        this.broker = broker;
    }

    /** Makes every waiting message for {@code peer} deliverable now. */
    public void releaseFor(String peer) {
        release(Headers.RECIPIENT + " = '" + peer.replace("'", "''") + "'", "for " + peer);
    }

    /** Makes every waiting message deliverable now. */
    public void releaseAll() {
        release(null, "for every peer");
    }

    private void release(String filter, String what) {
        Queue outbound = broker.locateQueue(SimpleString.of(OUTBOUND));
        if (outbound == null) {
            return;
        }
        int waiting = outbound.getScheduledCount();
        if (waiting == 0) {
            return;
        }
        try {
            if (filter == null) {
                outbound.deliverScheduledMessages();
            } else {
                outbound.deliverScheduledMessages(filter);
            }
            log.info("released the messages waiting {} ({} were waiting in all)", what, waiting);
        } catch (ActiveMQException e) {
            throw new IllegalStateException("could not release waiting messages " + what + ": " + e.getMessage(), e);
        }
    }
}
