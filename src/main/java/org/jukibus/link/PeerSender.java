package org.jukibus.link;

import java.util.List;

import jakarta.jms.JMSException;

/** Durable sends to a peer's broker (PeerLinks); an interface so that the forwarder's decisions can be tested alone. */
public interface PeerSender {

    /**
     * Sends one message and returns once the peer's broker has stored it.
     *
     * @throws UnknownPeerException     the peer is not in the directory (permanent)
     * @throws PeerUnreachableException no line is up now (transient)
     */
    void send(String peer, OutgoingMessage message) throws UnknownPeerException, PeerUnreachableException, JMSException;

    /**
     * Sends {@code messages} to one peer and returns, per message in the same order, null once the peer's broker
     * has stored it or the reason it has not (that message only: the others may well be stored).
     *
     * @throws UnknownPeerException the peer is not in the directory (permanent, for all of them)
     */
    List<Exception> sendAll(String peer, List<OutgoingMessage> messages) throws UnknownPeerException;
}
