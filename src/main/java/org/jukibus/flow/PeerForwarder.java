package org.jukibus.flow;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.link.PeerLinks;
import org.jukibus.link.UnknownPeerException;
import org.jukibus.ops.FlowMetrics;

/**
 * Sends one sealed envelope from the outbound queue directly to its recipient's broker. Returns
 * only once the recipient has stored it; the outbound transaction then commits. Any other outcome
 * rolls back and the broker retries later, with the same duplicate id.
 */
public final class PeerForwarder {

    private final PeerLinks links;
    private final FlowMetrics metrics;
    private final OperationLog audit;

    public PeerForwarder(PeerLinks links, FlowMetrics metrics, OperationLog audit) {
        this.links = links;
        this.metrics = metrics;
        this.audit = audit;
    }

    public void forward(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String recipient = required(in, Headers.RECIPIENT);
        String address = required(in, Headers.ADDRESS);
        String messageId = required(in, Headers.MESSAGE_ID);
        try {
            byte[] envelope = in.getBody(byte[].class);
            links.send(recipient, address, envelope, messageId, Map.of(
                    Headers.MESSAGE_ID, messageId,
                    Headers.TYPE, required(in, Headers.TYPE)));
            metrics.sent(FlowDefinition.flowOfAddress(address));
            audit.record(AuditEvent.of(AuditKind.MESSAGE_FORWARDED).flow(FlowDefinition.flowOfAddress(address))
                    .message(messageId, in.getHeader(Headers.TYPE, String.class)).recipient(recipient).digestOf(envelope));
        } catch (UnknownPeerException e) {
            throw new PermanentFailure("UNKNOWN_RECIPIENT", e.getMessage());
        }
    }

    private static String required(Message in, String header) throws PermanentFailure {
        String value = in.getHeader(header, String.class);
        if (value == null) {
            throw new PermanentFailure("MALFORMED", "outbound message without " + header + " header");
        }
        return value;
    }
}
