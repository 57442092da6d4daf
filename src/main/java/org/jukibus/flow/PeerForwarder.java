package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.link.LineOpeningException;
import org.jukibus.link.MessageRefusedException;
import org.jukibus.link.OutgoingMessage;
import org.jukibus.link.PeerSender;
import org.jukibus.link.PeerText;
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

    private final PeerSender links;
    private final Flows flows;
    private final FlowMetrics metrics;
    private final OperationLog audit;
    private final Duration outageWindow;
    private final Clock clock;
    /** Where envelopes for a down peer wait; null: they are rolled back and retried after the broker's delay. */
    private volatile ParkedEnvelopes parked;
    /** Whether a recipient's certificate is revoked (NodeEnvelopes#recipientRevoked); null: not checked. */
    private volatile Predicate<String> revoked;

    public PeerForwarder(PeerSender links, Flows flows, FlowMetrics metrics, OperationLog audit, Duration outageWindow, Clock clock) {
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

    /**
     * One message: refused (a {@link PermanentFailure}, which the route dead-letters), dropped when stale, else sent and
     * returned once the recipient has stored it.
     */
    public void forward(Exchange exchange) throws Exception {
        Forward forward = checked(exchange.getIn());
        if (forward == null) {
            return;
        }
        ParkedEnvelopes slowParking = parked;
        if (slowParking != null && links.slow(forward.recipient())) {
            // a peer slow to confirm would hold a forwarder thread up to the call timeout per message, and the other
            // peers' messages would wait for free threads: parked, the slow lane forwards it (SlowLane)
            park(slowParking, exchange, forward);
            return;
        }
        try {
            links.send(forward.recipient(), forward.outgoing());
        } catch (UnknownPeerException e) {
            throw new PermanentFailure(UNKNOWN_RECIPIENT, e.getMessage());
        } catch (PeerUnreachableException | MessageRefusedException e) {
            if (e instanceof MessageRefusedException) {
                refusedByPeer(exchange, forward, e);
            }
            ParkedEnvelopes parking = parked;
            if (parking == null) {
                throw e;
            }
            park(parking, exchange, forward);
            return;
        }
        sent(forward);
    }

    /**
     * Parks one forward on its peer's parking queue, committed with the route's transaction (forward-outbound-single's,
     * or the batch's for a message the batched forwarder handed to the route): off the outbound queue, on disk.
     */
    private static void park(ParkedEnvelopes parking, Exchange exchange, Forward forward) throws Exception {
        try {
            parking.park(exchange, forward.recipient());
        } catch (IllegalArgumentException noQueue) { // a recipient code no parking queue can be named after
            throw new PermanentFailure("MALFORMED", "outbound message " + forward.messageId() + ": " + noQueue.getMessage());
        }
    }

    /**
     * The messages of a batch ({@link OutboundBatches}) sent together, per recipient all at once, each confirmed on its
     * own ({@link PeerSender#sendAll}); stale ones dropped as by {@link #forward}. Each outcome is the message's own:
     * one peer down or one refused message holds up no other. The messages of a peer that is slow to confirm
     * ({@link PeerSender#slow}) are not sent: they are parked ({@link Outcome#down}) and go on the slow lane
     * ({@link SlowLane}), so that its confirmations hold up no batch of the other peers'.
     */
    public Outcome forwardAll(List<Exchange> batch) {
        return forwardAll(batch, parked != null);
    }

    /**
     * The messages of one slow peer, taken off its parking queue by the slow lane ({@link SlowLane}): sent to it as
     * {@link #forwardAll} would, slow or not.
     */
    Outcome forwardSlow(List<Exchange> batch) {
        return forwardAll(batch, false);
    }

    private Outcome forwardAll(List<Exchange> batch, boolean parkSlow) {
        String logDown = audit.failure();
        if (logDown != null) {
            // each forward must be written to it: nothing is sent (the batch rolls back and waits, as a single forward does)
            throw new IllegalStateException("not forwarding: " + logDown);
        }
        List<Exchange> refused = new ArrayList<>();
        List<Exchange> unsent = new ArrayList<>();
        Map<String, List<Pending>> byRecipient = new LinkedHashMap<>();
        for (Exchange exchange : batch) {
            Forward forward;
            try {
                forward = checked(exchange.getIn());
            } catch (PermanentFailure | RuntimeException e) {
                // the route finds the same and fails the message alone: a dead letter, or (a header no check expects
                // to be malformed, e.g. an unreadable time to live) a wait; never the whole batch
                refused.add(exchange);
                continue;
            }
            if (forward != null) { // else stale: dropped
                byRecipient.computeIfAbsent(forward.recipient(), r -> new ArrayList<>()).add(new Pending(exchange, forward));
            }
        }
        List<Exchange> down = new ArrayList<>();
        if (parkSlow) {
            for (String recipient : List.copyOf(byRecipient.keySet())) {
                if (links.slow(recipient)) {
                    byRecipient.remove(recipient).forEach(pending -> down.add(pending.exchange()));
                }
            }
        }
        Map<String, List<OutgoingMessage>> outgoing = new LinkedHashMap<>();
        byRecipient.forEach((recipient, pending) -> outgoing.put(recipient, pending.stream().map(p -> p.forward().outgoing()).toList()));
        // to every recipient at once, all confirmations awaited together: a peer that takes long to confirm costs the
        // batch up to one call timeout, once (it is marked slow then, PeerLinks#sendAll, and sent apart from now on)
        Map<String, List<Exception>> outcomes = links.sendAll(outgoing);
        List<Forward> sent = new ArrayList<>();
        byRecipient.forEach((recipient, pending) -> {
            List<Exception> results = outcomes.get(recipient);
            for (int i = 0; i < pending.size(); i++) {
                Exception result = results == null ? new IllegalStateException("no outcome for " + recipient) : results.get(i);
                if (result == null) {
                    sent.add(pending.get(i).forward());
                } else if (result instanceof UnknownPeerException) {
                    refused.add(pending.get(i).exchange()); // the route dead-letters it (UNKNOWN_RECIPIENT)
                } else if (result instanceof PeerUnreachableException) {
                    down.add(pending.get(i).exchange());
                } else if (result instanceof MessageRefusedException) {
                    // refused by the peer's broker on a line that stays up (an address it lacks, a permission it does
                    // not give this node): that message alone; the peer is not down, the rest of the batch and its other
                    // traffic go on. Parked (review-park H1), not put back as a copy scheduled in this node's memory and
                    // rewritten at every retry while the peer refuses; counted and logged, so that a refusal that
                    // repeats (a flow the peer lacks, the permissions it took away) is seen
                    refusedByPeer(pending.get(i).exchange(), pending.get(i).forward(), result);
                    down.add(pending.get(i).exchange());
                } else if (result instanceof LineOpeningException) {
                    // another forwarder was opening the line, or this node closed the link under the batch (a new
                    // directory, an LRU eviction) or is stopping: the peer is not known down, so not parked (it would
                    // wait for the next check); it waits on the outbound queue briefly and goes on the line once open
                    unsent.add(pending.get(i).exchange());
                } else if (result instanceof jakarta.jms.JMSException) {
                    // a failure of the peer's broker the link did not tell apart (not sent, or not confirmed): parked as
                    // well, not put back as a copy scheduled in this node's memory
                    down.add(pending.get(i).exchange());
                } else {
                    unsent.add(pending.get(i).exchange());
                }
            }
        });
        // neither logged nor counted here: a stop may still roll this batch back (OutboundBatchConsumer), and its
        // messages come again; the caller records them once nothing but the commit is left (recordForwarded)
        return new Outcome(refused, unsent, down, sent);
    }

    /**
     * Writes the operation-log lines of what a batch's recipients stored, and counts them: once the batch is past every
     * step that could still roll it back but its commit. Not as they are confirmed: a batch a stop rolls back after
     * that would be logged and counted again when its messages come back (review-fwdbatch3 L4). One operation-log sync
     * for the batch, not one per line; a log that cannot be written throws, and the batch rolls back and comes again
     * (the recipients drop what they already have), as a single forward does.
     */
    public void recordForwarded(Outcome outcome) {
        List<Forward> sent = outcome.forwarded();
        audit.recordAll(sent.stream().filter(forward -> audited(forward.address())).map(PeerForwarder::forwarded).toList());
        // counted once written: a batch whose log line fails comes again, and would be counted twice
        sent.forEach(forward -> metrics.sent(FlowDefinition.flowOfAddress(forward.address())));
    }

    /**
     * What {@link #forwardAll} did not send.
     *
     * @param refused for the route to take one by one as {@link #forward} does, which dead-letters them with their
     *                reason (EXPIRED, RECIPIENT_REVOKED, UNKNOWN_RECIPIENT, MALFORMED)
     * @param unsent  not stored by their recipients now for another reason (no outcome, a line that could not be
     *                tried): to
     *                wait and be tried again ({@link ForwardRetries#later}), not sent again at once
     * @param down    for a recipient that is down now (no line could be opened, or its line broke or did not confirm
     *                in time: the link then marks the peer down), or slow to confirm (not sent: the slow lane
     *                forwards it, {@link SlowLane}), or refused by its broker (that message alone: the
     *                peer is not marked down): parked
     *                ({@link ForwardRetries#peerDown})
     * @param forwarded stored by their recipients: for {@link #recordForwarded} once only the commit is left
     */
    public record Outcome(List<Exchange> refused, List<Exchange> unsent, List<Exchange> down, List<Forward> forwarded) {
    }

    /** What the checks let through: an envelope for its recipient's broker. */
    record Forward(String recipient, String address, String messageId, String type, byte[] envelope) {
        OutgoingMessage outgoing() {
            // the message id is the duplicate id on the recipient's broker: a resend of the same message is dropped there
            return new OutgoingMessage(address, envelope, messageId, Map.of(Headers.MESSAGE_ID, messageId, Headers.TYPE, type));
        }
    }

    private record Pending(Exchange exchange, Forward forward) {
    }

    /** The forward {@code in} asks for; null if it is stale (dropped, logged here); a PermanentFailure if it is refused. */
    private Forward checked(Message in) throws PermanentFailure {
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
            return null;
        }
        return new Forward(recipient, address, messageId, required(in, Headers.TYPE), in.getBody(byte[].class));
    }

    /** A message the recipient's broker refused, on a line that works: counted (an alert asks) and logged, never silent. */
    private void refusedByPeer(Exchange exchange, Forward forward, Exception refusal) {
        metrics.refusedByPeer(FlowDefinition.flowOfAddress(forward.address()));
        // kept on the parked envelope (only the refused ones are held back): the peer's words, bounded and escaped by
        // the link (analysis-merge11 L5), as the log line below has them
        String reason = refusal instanceof MessageRefusedException refused ? refused.reason() : PeerText.of(refusal.getMessage());
        exchange.getIn().setHeader(Headers.PEER_REFUSAL, reason);
        ParkedEnvelopes parking = parked;
        // the first of a round is logged (a peer that refuses everything would write a line per envelope), every one counted
        boolean round = parking == null || parking.refusedBy(forward.recipient());
        if (round) {
            log.warn("{} message {} refused by {}'s broker (parked, tried again later; the peer is not marked down): {}",
                    forward.type(), forward.messageId(), forward.recipient(), reason);
        } else {
            log.debug("{} message {} refused by {}'s broker: {}", forward.type(), forward.messageId(), forward.recipient(), reason);
        }
    }

    /** Metrics and the operation-log line of a message its recipient has stored. */
    private void sent(Forward forward) {
        if (audited(forward.address())) {
            audit.record(forwarded(forward));
        }
        metrics.sent(FlowDefinition.flowOfAddress(forward.address()));
    }

    private static AuditEvent forwarded(Forward forward) {
        return AuditEvent.of(AuditKind.MESSAGE_FORWARDED).flow(FlowDefinition.flowOfAddress(forward.address()))
                .message(forward.messageId(), forward.type()).recipient(forward.recipient()).digestOf(forward.envelope());
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
