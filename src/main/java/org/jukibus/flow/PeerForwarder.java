package org.jukibus.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.link.PeerLinks;
import org.jukibus.link.UnknownPeerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends sealed envelopes from the outbound queue directly to their recipients' brokers, a batch at a time: the
 * message the route received and up to {@code batchSize - 1} more taken from the same queue in the same local
 * transaction, sent to all their peers at once (async durable sends, each confirmed once the peer stored it), one
 * operation-log sync for the batch, then one commit. Any outcome but a confirmed store keeps the message on this
 * node, with the same duplicate id for the next attempt:
 * <ul>
 *   <li>a message that can never go (malformed, expired, recipient not in the directory) is dead-lettered with its
 *       reason, as the route's dead-letters configuration does for one, in a transaction of its own (the others
 *       go, even if its dead letter cannot be written);</li>
 *   <li>a message whose peer is down, failed or did not confirm within {@code patience} is put back on the outbound
 *       queue in the same transaction, delayed as the broker's redelivery backoff would ({@link WaitingMessages}),
 *       so one peer neither holds back nor rolls back the others' messages;</li>
 *   <li>a batch in which every message failed at its peer (a batch of one, too) rolls back, as one message always
 *       did, and the broker redelivers it with backoff.</li>
 * </ul>
 * A message its recipient could not take for the whole outage window expires here, at the sender (dead letter
 * {@value #EXPIRED}), where an operator can decide to send it again ({@code jukibus dlq resend}).
 */
public final class PeerForwarder {

    private static final Logger log = LoggerFactory.getLogger(PeerForwarder.class);

    /** Dead-letter reason: still undelivered at the end of the outage window. */
    public static final String EXPIRED = "EXPIRED";
    /** How many times a message was put back on the outbound queue because its peer failed in a mixed batch. */
    static final String PUT_BACK = "JukibusPutBack";
    /** The route (routes/common/forwarding.yaml) that dead-letters a message refused inside a batch. */
    static final String REFUSED_ROUTE = "direct:forward-refused";
    private static final String REFUSAL = "jukibus.forwardRefusal";

    private final PeerLinks links;
    private final Flows flows;
    private final FlowMetrics metrics;
    private final OperationLog audit;
    private final Duration outageWindow;
    private final Clock clock;
    private final WaitingMessages waiting;
    private final int batchSize;
    private final Duration patience;
    /** A transaction of its own on the node's JMS transaction manager, apart from the batch's. */
    private final TransactionTemplate ownTransaction;
    private volatile ProducerTemplate refusals;
    /** Whether a recipient's certificate is revoked (NodeEnvelopes#recipientRevoked); null: not checked. */
    private volatile java.util.function.Predicate<String> revoked;

    public PeerForwarder(PeerLinks links, Flows flows, FlowMetrics metrics, OperationLog audit, Duration outageWindow, Clock clock,
                         WaitingMessages waiting, int batchSize, Duration patience, PlatformTransactionManager transactions) {
        this.links = links;
        this.flows = flows;
        this.metrics = metrics;
        this.audit = audit;
        this.outageWindow = outageWindow;
        this.clock = clock;
        this.waiting = waiting;
        this.batchSize = batchSize;
        this.patience = patience;
        this.ownTransaction = transactions == null ? null : new TransactionTemplate(transactions);
        if (ownTransaction != null) {
            ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        }
    }

    /**
     * Refuses what waits for a recipient whose certificate the CRL in force lists ({@value #RECIPIENT_REVOKED}): it
     * was sealed to a key that may be in other hands, and the link's TLS handshake does not check the CRL. Without it
     * every envelope queued for a stolen node during its outage went to whoever answered at its address with its key.
     */
    public PeerForwarder refusingRevoked(java.util.function.Predicate<String> recipientRevoked) {
        this.revoked = recipientRevoked;
        return this;
    }

    /** Dead-letter reason: the recipient's certificate is revoked. */
    public static final String RECIPIENT_REVOKED = "RECIPIENT_REVOKED";

    /** One message of a batch, and why it failed if it did. */
    private record Item(Message message, Exception failure) {
    }

    public void forward(Exchange exchange) throws Exception {
        List<Message> batch = new ArrayList<>();
        batch.add(exchange.getIn());
        batch.addAll(drain(exchange));
        Map<String, List<Message>> byPeer = new LinkedHashMap<>();
        Map<String, List<PeerLinks.Outgoing>> outgoing = new LinkedHashMap<>();
        List<Item> refused = new ArrayList<>();
        for (Message in : batch) {
            try {
                PeerLinks.Outgoing out = outgoing(in);
                if (out != null) {
                    String recipient = required(in, Headers.RECIPIENT);
                    byPeer.computeIfAbsent(recipient, r -> new ArrayList<>()).add(in);
                    outgoing.computeIfAbsent(recipient, r -> new ArrayList<>()).add(out);
                }
            } catch (PermanentFailure e) {
                refused.add(new Item(in, e));
            }
        }
        Map<String, Exception> failed = outgoing.isEmpty() ? Map.of() : links.sendAll(outgoing, patience);
        List<Item> putBack = new ArrayList<>();
        List<AuditEvent> forwarded = new ArrayList<>();
        byPeer.forEach((peer, messages) -> {
            Exception failure = failed.get(peer);
            for (Message in : messages) {
                if (failure instanceof UnknownPeerException) {
                    refused.add(new Item(in, new PermanentFailure("UNKNOWN_RECIPIENT", failure.getMessage())));
                } else if (failure != null) {
                    putBack.add(new Item(in, failure));
                } else {
                    sent(in, forwarded);
                }
            }
        });
        audit.recordAll(forwarded);
        if (batch.size() == 1 || putBack.size() == batch.size()) {
            // as one message always did: the route dead-letters a refused one, the broker redelivers one that failed
            Item first = !refused.isEmpty() ? refused.get(0) : !putBack.isEmpty() ? putBack.get(0) : null;
            if (first != null) {
                throw first.failure();
            }
            return;
        }
        for (Item item : refused) {
            deadLetter(exchange, (JmsMessage) item.message(), item.failure());
        }
        for (Item item : putBack) {
            putBack((JmsMessage) item.message(), item.failure());
        }
    }

    /** Throws the failure {@link #deadLetter} handed over, for the dead-letters configuration of {@link #REFUSED_ROUTE}. */
    public void refuse(Exchange exchange) throws Exception {
        throw exchange.getProperty(REFUSAL, Exception.class);
    }

    /**
     * Up to {@code batchSize - 1} more messages from the queue the route's message came from, on the session of its
     * transaction (the route's consumer has no window: nothing waits in a client buffer, CACHE_NONE in jms()).
     */
    private List<Message> drain(Exchange exchange) throws JMSException {
        if (batchSize <= 1 || !(exchange.getIn() instanceof JmsMessage first) || first.getJmsSession() == null
                || first.getJmsMessage() == null) {
            return List.of();
        }
        Session session = first.getJmsSession();
        List<Message> more = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(first.getJmsMessage().getJMSDestination())) {
            while (more.size() < batchSize - 1) {
                jakarta.jms.Message next = consumer.receiveNoWait();
                if (next == null) {
                    break;
                }
                more.add(new JmsMessage(exchange, next, session, first.getBinding()));
            }
        }
        return more;
    }

    /** What to send for {@code in}, or null if it is dropped (a stale heartbeat). */
    private PeerLinks.Outgoing outgoing(Message in) throws PermanentFailure {
        String recipient = required(in, Headers.RECIPIENT);
        String address = required(in, Headers.ADDRESS);
        String messageId = required(in, Headers.MESSAGE_ID);
        refuseExpired(in, messageId, recipient);
        java.util.function.Predicate<String> isRevoked = revoked;
        if (isRevoked != null && isRevoked.test(recipient)) {
            throw new PermanentFailure(RECIPIENT_REVOKED, "message " + messageId + " for " + recipient
                    + ": the recipient's certificate is revoked (CRL in force); not sent, it can be sealed again to its"
                    + " new certificate with 'jukibus dlq resend' once the directory lists one");
        }
        if (stale(in)) {
            log.info("{} message {} for {} is older than its time to live ({}): dropped, not sent late",
                    in.getHeader(Headers.TYPE), messageId, recipient, in.getHeader(Headers.TIME_TO_LIVE));
            return null;
        }
        return new PeerLinks.Outgoing(address, in.getBody(byte[].class), messageId, Map.of(
                Headers.MESSAGE_ID, messageId,
                Headers.TYPE, required(in, Headers.TYPE)));
    }

    private void sent(Message in, List<AuditEvent> forwarded) {
        String address = in.getHeader(Headers.ADDRESS, String.class);
        metrics.sent(FlowDefinition.flowOfAddress(address));
        if (audited(address)) {
            forwarded.add(AuditEvent.of(AuditKind.MESSAGE_FORWARDED).flow(FlowDefinition.flowOfAddress(address))
                    .message(in.getHeader(Headers.MESSAGE_ID, String.class), in.getHeader(Headers.TYPE, String.class))
                    .recipient(in.getHeader(Headers.RECIPIENT, String.class)).digestOf(in.getBody(byte[].class)));
        }
    }

    /**
     * Dead-letters one message of the batch through {@link #REFUSED_ROUTE}, in a transaction of its own, committed
     * before the batch's: if dead-lettering fails (its non-delivery file cannot be written), only this message
     * waits (put back, see {@link #putBack}) and the batch goes. Should the batch's commit then not happen (a
     * crash), the message comes back with the same JMS message id, and its second dead letter is dropped by the
     * dead-letter queue's duplicate id (DeadLetters.label).
     */
    private void deadLetter(Exchange exchange, JmsMessage in, Exception failure) throws JMSException {
        ProducerTemplate template = refusals;
        if (template == null) {
            template = exchange.getContext().createProducerTemplate();
            refusals = template;
        }
        ProducerTemplate sender = template;
        try {
            ownTransaction.executeWithoutResult(status -> {
                Exchange refusal = new DefaultExchange(exchange.getContext());
                refusal.setIn(new JmsMessage(refusal, in.getJmsMessage(), in.getJmsSession(), in.getBinding()));
                refusal.setProperty(REFUSAL, failure);
                sender.send(REFUSED_ROUTE, refusal);
                if (refusal.getException() != null) {
                    throw new IllegalStateException(refusal.getException().getMessage(), refusal.getException());
                }
            });
        } catch (RuntimeException e) {
            log.warn("message {} could not be dead-lettered ({}): it waits on this node and is tried again",
                    in.getHeader(Headers.MESSAGE_ID), e.getMessage());
            putBack(in, e);
        }
    }

    /**
     * Puts a copy back on the outbound queue in the batch's transaction, due after the backoff the broker would
     * have given its redelivery; {@link WaitingMessages} releases it at once when its peer's line opens again. The
     * copy has no local duplicate id: it and the original's acknowledgement commit together or not at all.
     */
    private void putBack(JmsMessage in, Exception failure) throws JMSException {
        jakarta.jms.Message original = in.getJmsMessage();
        Session session = in.getJmsSession();
        BytesMessage copy = session.createBytesMessage();
        copy.writeBytes(in.getBody(byte[].class));
        for (Enumeration<?> names = original.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (!name.startsWith("JMS") && !name.startsWith("_AMQ")) {
                copy.setObjectProperty(name, original.getObjectProperty(name));
            }
        }
        int attempt = (original.propertyExists(PUT_BACK) ? original.getIntProperty(PUT_BACK) : 0) + 1;
        copy.setIntProperty(PUT_BACK, attempt);
        Duration delay = waiting.backoff(attempt);
        try (MessageProducer producer = session.createProducer(original.getJMSDestination())) {
            producer.setDeliveryDelay(delay.toMillis());
            producer.send(copy, DeliveryMode.PERSISTENT, original.getJMSPriority(), 0);
        }
        log.debug("message {} for {} waits {} on this node: {}", in.getHeader(Headers.MESSAGE_ID),
                in.getHeader(Headers.RECIPIENT), delay, failure.getMessage());
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
