package org.jukibus.link;

/**
 * Nothing sent: another thread is opening the line to the peer and it did not open within the short wait a sender
 * gives it. The peer is not known to be down, so the message is not parked (parking is for a peer known unreachable,
 * whose envelopes then wait for its return or the next check); it waits briefly on this node and is tried again.
 */
public class LineOpeningException extends Exception {
    public LineOpeningException(String message) {
        super(message);
    }
}
