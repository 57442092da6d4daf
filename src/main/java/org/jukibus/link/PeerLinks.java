package org.jukibus.link;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSException;

import org.jukibus.directory.Endpoint;

/**
 * Lines to every peer this node talks to, opened on first use and kept in a bounded LRU cache.
 * Peers come from the directory, so forwarding to any of ~1,741 municipalities needs no
 * configuration per peer; at most {@code maxOpen} connections are open at once.
 */
public final class PeerLinks implements AutoCloseable {

    private final PeerEndpoints endpoints;
    private final TlsClientSettings tls;
    private final Duration callTimeout;
    private final Map<String, PeerLink> open;

    public PeerLinks(PeerEndpoints endpoints, TlsClientSettings tls, Duration callTimeout, int maxOpen) {
        this.endpoints = endpoints;
        this.tls = tls;
        this.callTimeout = callTimeout;
        this.open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PeerLink> eldest) {
                if (size() > maxOpen) {
                    eldest.getValue().close();
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Sends to {@code address} on the peer's broker and returns once the peer has stored it.
     *
     * @throws UnknownPeerException     the peer is not in the directory (permanent)
     * @throws PeerUnreachableException no line is up now (transient)
     */
    public void send(String peer, String address, byte[] body, String duplicateId, Map<String, String> properties)
            throws UnknownPeerException, PeerUnreachableException, JMSException {
        link(peer).send(address, body, duplicateId, properties);
    }

    /** The endpoint the line to a peer currently uses, or null if none is open. */
    public Endpoint activeEndpoint(String peer) {
        PeerLink link;
        synchronized (open) {
            link = open.get(peer);
        }
        return link == null ? null : link.activeEndpoint();
    }

    public int openCount() {
        synchronized (open) {
            return open.size();
        }
    }

    private PeerLink link(String peer) throws UnknownPeerException {
        synchronized (open) {
            PeerLink link = open.get(peer);
            if (link == null) {
                List<Endpoint> lines = endpoints.endpointsOf(peer)
                        .orElseThrow(() -> new UnknownPeerException("recipient " + peer + " is not in the directory"));
                link = new PeerLink(peer, lines, tls, callTimeout);
                open.put(peer, link);
            }
            return link;
        }
    }

    @Override
    public void close() {
        synchronized (open) {
            open.values().forEach(PeerLink::close);
            open.clear();
        }
    }
}
