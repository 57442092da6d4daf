package org.jukibus.flow;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.jukibus.core.NodeRole;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.directory.TrustRejectedException;

/**
 * Spreads the directory and the CRL down the network over the nodes' own links: central takes a document an
 * operator published, prefectures take it from central, municipalities from their prefecture. A node that
 * accepts a newer document hands it on to the nodes below it (central: the prefectures and the liaison node;
 * a prefecture: its municipalities) through its outbound queue, where it waits for a child that is down like
 * any message. The documents are signed by the root CA (CRL) and central (directory), so they travel as they
 * are, without an envelope: the relay cannot change them, only withhold them, which the heartbeat's serials
 * show at central.
 */
public final class TrustDistribution {

    /** Where a parent delivers trust documents on a child's broker. */
    public static final String ADDRESS = "jukibus.inbound.trust";
    public static final String TYPE = "jukibus-trust";
    /** The reason a trust document waits: it could not be stored in home/trust/. */
    public static final String TRUST_UNWRITABLE = "TRUST_UNWRITABLE";

    private final NetworkTrust trust;
    private final String self;
    private final NodeRole role;

    public TrustDistribution(NetworkTrust trust, String self, NodeRole role) {
        this.trust = trust;
        this.self = self;
        this.role = role;
    }

    /**
     * Applies the document in the body; if it is new here, returns it ready for {@code jukibus.outbound}, once
     * per child. One already in force is dropped quietly (it also arrives again after a redelivery).
     *
     * @throws PermanentFailure ROLLBACK, EXPIRED or INVALID: dead-lettered with that reason
     * @throws TransientFailure TRUST_UNWRITABLE: the document could not be stored in home/trust/ (a full disk); it
     *                          waits on the broker like any delivery. Dead-lettered, it was never applied: the parent
     *                          relays a document once, so the node kept the old directory until the next one
     */
    public List<Message> take(Exchange exchange) throws PermanentFailure, TransientFailure {
        byte[] document = exchange.getIn().getBody(byte[].class);
        if (document == null || document.length == 0) {
            throw new PermanentFailure("INVALID", "an empty trust document");
        }
        try {
            if (trust.offer(document) == NetworkTrust.Outcome.ALREADY_CURRENT) {
                return List.of();
            }
        } catch (TrustRejectedException e) {
            throw new PermanentFailure(e.reason(), e.getMessage());
        } catch (UncheckedIOException e) {
            throw new TransientFailure(TRUST_UNWRITABLE, e.getMessage(), e);
        }
        return relay(exchange, document);
    }

    private List<Message> relay(Exchange exchange, byte[] document) {
        NetworkTrust.Kind kind = NetworkTrust.Kind.of(document);
        NetworkTrust.State now = trust.state();
        String serial = kind == NetworkTrust.Kind.CRL ? now.crlNumber().toString() : Long.toString(now.directory().serial());
        List<Message> out = new ArrayList<>();
        for (NodeEntry child : children(now.directory())) {
            Message m = new DefaultMessage(exchange);
            // the outbound queue's duplicate ids are per address, not per recipient: the recipient is part of the id
            String id = "trust-" + kind.name().toLowerCase() + "-" + serial + "-" + child.code();
            m.setBody(document);
            m.setHeader(Headers.MESSAGE_ID, id);
            m.setHeader(Headers.TYPE, TYPE);
            m.setHeader(Headers.RECIPIENT, child.code());
            m.setHeader(Headers.ADDRESS, ADDRESS);
            m.setHeader(Headers.DUPLICATE_ID, id);
            out.add(m);
        }
        return out;
    }

    private List<NodeEntry> children(NodeDirectory directory) {
        return switch (role) {
            case CENTRAL -> {
                List<NodeEntry> c = new ArrayList<>(directory.withRole(NodeRole.PREFECTURE));
                c.addAll(directory.withRole(NodeRole.LIAISON));
                yield c;
            }
            case PREFECTURE -> directory.municipalitiesOf(self);
            default -> List.of();
        };
    }
}
