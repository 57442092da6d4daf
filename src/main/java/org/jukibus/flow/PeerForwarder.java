package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.link.PeerLinks;
import org.jukibus.link.PeerUnreachableException;
import org.jukibus.link.UnknownPeerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;

/**
 * Sends one sealed envelope from the outbound queue directly to its recipient's broker. Returns
 * only once the recipient has stored it; the outbound transaction then commits. A recipient that is down: the
 * envelope is parked ({@link ParkedEnvelopes}) in the same transaction, until the peer answers. Any other outcome
 * rolls back and the broker retries later, with the same duplicate id. A message its recipient
 * could not take for the whole outage window expires here, at the sender (dead letter
 * {@value #EXPIRED}), where an operator can decide to send it again ({@code jukibus dlq resend}).
 */
public final class PeerForwarder {

    private static final Logger log = LoggerFactory.getLogger(PeerForwarder.class);

    /** Dead-letter reason: still undelivered at the end of the outage window. */
    public static final String EXPIRED = "EXPIRED";

    private final PeerLinks links;
    private final Flows flows;
    private final FlowMetrics metrics;
    private final OperationLog audit;
    private final Duration outageWindow;
    private final Clock clock;
    /** Where envelopes for a down peer wait; null: they are rolled back and retried after the broker's delay. */
    private volatile ParkedEnvelopes parked;
    /** Whether a recipient's certificate is revoked (NodeEnvelopes#recipientRevoked); null: not checked. */
    private volatile Predicate<String> revoked;

    public PeerForwarder(PeerLinks links, Flows flows, FlowMetrics metrics, OperationLog audit, Duration outageWindow, Clock clock) {
        this.links = links;
        this.flows = flows;
        this.metrics = metrics;
        this.audit = audit;
        this.outageWindow = outageWindow;
        this.clock = clock;
    }

    /** Dead-letter reason: the recipient's certificate is revoked. */
    public static final String RECIPIENT_REVOKED = "RECIPIENT_REVOKED";

    /**
     * Refuses the envelopes that wait for a recipient whose certificate the CRL in force lists ({@value #RECIPIENT_REVOKED}): each
     * was sealed to a key that may be in other hands, and the link's TLS handshake does not check the CRL. Without it
     * every envelope queued for a stolen node during its outage went to whoever answered at its address with its key.
     */
    public PeerForwarder refusingRevoked(Predicate<String> recipientRevoked) {
        this.revoked = recipientRevoked;
        return this;
    }

    /**
     * Parks the envelopes of a peer that is down ({@link ParkedEnvelopes}) instead of rolling them back: a rolled-back
     * envelope waits out its redelivery delay in the broker's memory, and a down peer's whole backlog with it.
     */
    public PeerForwarder parkingFor(ParkedEnvelopes parkedEnvelopes) {
        this.parked = parkedEnvelopes;
        return this;
    }

    /** Dead-letter reason: the recipient is not in the directory. */
    public static final String UNKNOWN_RECIPIENT = "UNKNOWN_RECIPIENT";

    public void forward(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String recipient = required(in, Headers.RECIPIENT);
        String address = required(in, Headers.ADDRESS);
        String messageId = required(in, Headers.MESSAGE_ID);
        String notSealed = in.getHeader(Headers.NOT_SEALED, String.class);
        if (notSealed != null) {
            // an answer this node could not seal (Answers#seal): never sent as it is, even if the directory changed since
            throw new PermanentFailure(RECIPIENT_REVOKED.equals(notSealed) ? RECIPIENT_REVOKED : UNKNOWN_RECIPIENT,
                    in.getHeader(Headers.TYPE) + " message " + messageId + " for " + recipient + " was not sealed: the"
                            + (RECIPIENT_REVOKED.equals(notSealed) ? " recipient's certificate is revoked"
                            : " directory lists no node " + recipient) + "; its payload is kept, 'jukibus dlq resend' seals"
                            + " and sends it once the directory lists " + recipient);
        }
        refuseExpired(in, messageId, recipient);
        Predicate<String> isRevoked = revoked;
        // a directory or CRL is public and sealed to nobody: it still goes (its refusals would fill the dead-letter queue)
        if (isRevoked != null && !TrustDistribution.ADDRESS.equals(address) && isRevoked.test(recipient)) {
            throw new PermanentFailure(RECIPIENT_REVOKED, "message " + messageId + " for " + recipient
                    + ": the recipient's certificate is revoked (CRL in force); not sent, it can be sealed again to its"
                    + " new certificate with 'jukibus dlq resend' once the directory lists one");
        }
        if (stale(in)) {
            log.info("{} message {} for {} is older than its time to live ({}): dropped, not sent late",
                    in.getHeader(Headers.TYPE), messageId, recipient, in.getHeader(Headers.TIME_TO_LIVE));
            return;
        }
        try {
            byte[] envelope = in.getBody(byte[].class);
            links.send(recipient, address, envelope, messageId, Map.of(
                    Headers.MESSAGE_ID, messageId,
                    Headers.TYPE, required(in, Headers.TYPE)));
            metrics.sent(FlowDefinition.flowOfAddress(address));
            if (audited(address)) {
                audit.record(AuditEvent.of(AuditKind.MESSAGE_FORWARDED).flow(FlowDefinition.flowOfAddress(address))
                        .message(messageId, in.getHeader(Headers.TYPE, String.class)).recipient(recipient).digestOf(envelope));
            }
        } catch (UnknownPeerException e) {
            throw new PermanentFailure(UNKNOWN_RECIPIENT, e.getMessage());
        } catch (PeerUnreachableException e) {
            ParkedEnvelopes parking = parked;
            if (parking == null) {
                throw e;
            }
            // committed with the route's transaction: off the outbound queue, on the peer's parking queue, on disk
            try {
                parking.park(exchange, recipient);
            } catch (IllegalArgumentException noQueue) { // a recipient code no parking queue can be named after
                throw new PermanentFailure("MALFORMED", "outbound message " + messageId + ": " + noQueue.getMessage());
            }
        }
    }

    /**
     * Whether a forward to {@code address} is written to the operation log: not for monitoring flows (a heartbeat every
     * minute to central, kept for years, says nothing about a resident: see {@link FlowDefinition#monitoring}), as their
     * deliveries are not. An address of no flow this version knows is written.
     */
    boolean audited(String address) {
        String flow = FlowDefinition.flowOfAddress(address);
        return flow == null || !flows.names().contains(flow) || !flows.byName(flow).monitoring();
    }

    /**
     * Whether the node marked this message of its own as worthless when late ({@link Headers#TIME_TO_LIVE}: a heartbeat)
     * and it is. Decided here by the node clock rather than by a broker time to live, so that broker.xml can send
     * everything that expires in the broker to the dead-letter queue (its expiry address): nothing vanishes there.
     */
    private boolean stale(Message in) {
        String ttl = in.getHeader(Headers.TIME_TO_LIVE, String.class);
        String createdAt = in.getHeader(Headers.CREATED_AT, String.class);
        return ttl != null && !ttl.isBlank() && createdAt != null
                && Instant.parse(createdAt).plus(DurationStyle.detectAndParse(ttl)).isBefore(clock.instant());
    }

    /**
     * A message sealed longer than the outage window ago is not sent: its recipient would refuse it
     * (EXPIRED) anyway. One queued before {@link Headers#CREATED_AT} existed has no such header and
     * is sent as before.
     */
    private void refuseExpired(Message in, String messageId, String recipient) throws PermanentFailure {
        String createdAt = in.getHeader(Headers.CREATED_AT, String.class);
        if (createdAt == null) {
            return;
        }
        Instant sealed;
        try {
            sealed = Instant.parse(createdAt);
        } catch (DateTimeParseException e) {
            throw new PermanentFailure("MALFORMED", "outbound message " + messageId + " with a created-at that is no time: " + createdAt);
        }
        Instant now = clock.instant();
        if (sealed.plus(outageWindow).isBefore(now)) {
            throw new PermanentFailure(EXPIRED, "message " + messageId + " for " + recipient + " sealed at " + sealed
                    + " was not delivered within the outage window of " + outageWindow + " (now " + now + ")");
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
