package org.jukibus.link;

import java.util.List;
import java.util.Map;

/** Durable sends to a peer's broker (PeerLinks); an interface so that the forwarder's decisions can be tested alone. */
public interface PeerSender {

    /**
     * Sends one message and returns once the peer's broker has stored it.
     *
     * @throws UnknownPeerException     the peer is not in the directory (permanent)
     * @throws PeerUnreachableException no line is up now, or the send on the open line failed (the peer now counts as
     *                                  down): transient, the caller parks the message
     * @throws LineOpeningException     another sender is opening the line and it did not open within a short wait, or
     *                                  this node closed the link under the send (a new directory, an LRU eviction), or
     *                                  this node is stopping: the peer is not known down, the caller tries again shortly
     *                                  (not parked)
     * @throws MessageRefusedException  the peer's broker refused this message on a line that works (an address it
     *                                  lacks, a permission it does not give this node): the message's failure, not the
     *                                  peer's, which is not marked down
     */
    void send(String peer, OutgoingMessage message) throws UnknownPeerException, PeerUnreachableException, LineOpeningException,
            MessageRefusedException;

    /**
     * Sends each peer's messages, to every peer at once, and waits for all of their confirmations: each peer has the
     * call timeout from when its sends began, so a peer that is slow to confirm (or never does) costs the batch one call
     * timeout, not one per peer. Returns, per peer and per message in the same order, null once the peer's broker has
     * stored it or the reason it has not (that message only: the others may well be stored): an
     * {@link UnknownPeerException} for a peer not in the directory (permanent), a {@link PeerUnreachableException} for
     * a peer that is down now: known down, or marked down as its line broke or did not confirm in time, a
     * {@link MessageRefusedException} when the peer's broker refused that message on a line that stays up (that message
     * only: the peer is not marked down, the batch's other messages go on), a {@link LineOpeningException} when another
     * sender was still opening the peer's line after a short wait, or this node closed the link under the batch (a new
     * directory, an LRU eviction) or is stopping (the peer is not known down: try again shortly).
     */
    Map<String, List<Exception>> sendAll(Map<String, List<OutgoingMessage>> byPeer);

    /**
     * Whether the peer's broker is slow to confirm now (far slower than the other peers of a batch, over
     * {@code jukibus.link.slow-confirmation}): the forwarder then sends it nothing in a batch shared with other peers.
     * False until a send tells otherwise.
     */
    default boolean slow(String peer) {
        return false;
    }
}
