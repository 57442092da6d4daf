package org.jukibus.link;

import java.util.List;
import java.util.Map;

import jakarta.jms.JMSException;

/** Durable sends to a peer's broker (PeerLinks); an interface so that the forwarder's decisions can be tested alone. */
public interface PeerSender {

    /**
     * Sends one message and returns once the peer's broker has stored it.
     *
     * @throws UnknownPeerException     the peer is not in the directory (permanent)
     * @throws PeerUnreachableException no line is up now, or the send on the open line failed (the peer now counts as
     *                                  down): transient, the caller parks the message
     * @throws LineOpeningException     another sender is opening the line and it did not open within a short wait: the
     *                                  peer is not known down, the caller tries again shortly (not parked)
     */
    void send(String peer, OutgoingMessage message) throws UnknownPeerException, PeerUnreachableException, LineOpeningException,
            JMSException;

    /**
     * Sends each peer's messages, to every peer at once, and waits for all of their confirmations: each peer has the
     * call timeout from when its sends began, so a peer that is slow to confirm (or never does) costs the batch one call
     * timeout, not one per peer. Returns, per peer and per message in the same order, null once the peer's broker has
     * stored it or the reason it has not (that message only: the others may well be stored): an
     * {@link UnknownPeerException} for a peer not in the directory (permanent), a {@link PeerUnreachableException} for
     * a peer that is down now: known down, or marked down as its line broke or did not confirm in time (a JMSException:
     * the peer's broker refused that message on a line that stays up), a {@link LineOpeningException} when another
     * sender was still opening the peer's line after a short wait (the peer is not known down: try again shortly).
     */
    Map<String, List<Exception>> sendAll(Map<String, List<OutgoingMessage>> byPeer);
}
