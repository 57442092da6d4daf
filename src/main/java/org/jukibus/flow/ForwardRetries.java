package org.jukibus.flow;

import java.time.Duration;
import java.util.Enumeration;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts an outbound message the batched forwarder could not finish (its route failed, no outcome) back on the outbound queue to
 * wait, with the backoff broker-config gives {@code jukibus.outbound}'s redelivery (redelivery-delay, its multiplier,
 * max-redelivery-delay), in the batch's own transaction: consumed and put back at once, or neither.
 *
 * <p>A batch cannot give one message back to the broker: a JMS transaction rolls back all of its messages, and the
 * others of the batch are stored by their recipients. So the message goes back as a copy scheduled for later
 * ({@code _AMQ_SCHED_DELIVERY}, as the broker's own redelivery delay is), with the attempts counted in
 * {@value #ATTEMPTS}. It waits as a scheduled message, so {@link WaitingMessages} releases it when its peer is back.
 * A message whose peer is down, or that its broker refused, is not put back but parked ({@link #peerDown}).
 * The copy carries no duplicate id: the queue's duplicate detection knows the original's and would drop it.
 *
 * <p>Not final only so that a test can make a put-back fail.
 */
public class ForwardRetries {

    private static final Logger log = LoggerFactory.getLogger(ForwardRetries.class);

    /** How many times the message was put back so far. */
    public static final String ATTEMPTS = "JukibusForwardAttempts";
    /**
     * When the original was put on the queue (its JMS timestamp, epoch millis): a copy's own timestamp is its put-back,
     * and the queue's age metrics (management.QueueMetrics) must see how long the message has really waited.
     */
    public static final String QUEUED_AT = Headers.QUEUED_AT_MILLIS; // the same header a parked envelope carries
    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** The prefix of every header the node sets ({@link Headers}); the duplicate id and the broker's are not copied. */
    private static final String OWN_HEADERS = "Jukibus";

    private final String queue;
    private final Duration firstDelay;
    private final double multiplier;
    private final Duration maxDelay;

    public ForwardRetries(String queue, Duration firstDelay, double multiplier, Duration maxDelay) {
        this.queue = queue;
        this.firstDelay = firstDelay;
        this.multiplier = multiplier;
        this.maxDelay = maxDelay;
    }

    /** The backoff of the broker's redelivery on {@code queue}, as broker.xml sets it. */
    public static ForwardRetries of(String queue, AddressSettings settings) {
        return new ForwardRetries(queue, Duration.ofMillis(settings.getRedeliveryDelay()), settings.getRedeliveryMultiplier(),
                Duration.ofMillis(settings.getMaxRedeliveryDelay()));
    }

    /** The wait before attempt {@code attempt} + 1, as Artemis computes a redelivery delay after {@code attempt} deliveries. */
    Duration delay(int attempt) {
        double millis = firstDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
    }

    /**
     * Where a message whose recipient is down waits: its peer's parking queue ({@link ParkedEnvelopes}), in the batch's
     * own transaction, which nothing consumes while the peer is down and which goes back to the outbound queue as soon
     * as the peer answers. Null (a test's, or a node built without parking): it waits as any other ({@link #later}).
     */
    private volatile ParkedEnvelopes parked;

    public ForwardRetries parkingIn(ParkedEnvelopes parkedEnvelopes) {
        this.parked = parkedEnvelopes;
        return this;
    }

    /**
     * The put-back of a message whose recipient is down now (no line to it could be opened, its line broke or did not
     * confirm in time) or refused it: the one place the batched forwarder decides what waits for a down peer. Parked, not put back with a
     * delay: a scheduled copy would wait out its delay after the peer is back, and be rewritten at every retry for as
     * long as the outage lasts, the whole backlog of the peer each time.
     */
    public void peerDown(Session session, Message original, byte[] body, String peer) throws JMSException {
        ParkedEnvelopes parking = parked;
        if (parking == null) {
            later(session, original, body, null);
            return;
        }
        try {
            parking.park(session, original, peer);
        } catch (IllegalArgumentException noQueue) {
            // a recipient code no parking queue can be named after (not one the directory lists): it waits as any other
            log.warn("message {} for {} cannot be parked ({}): it waits on the outbound queue",
                    original.getStringProperty(Headers.MESSAGE_ID), peer, noQueue.getMessage());
            later(session, original, body, noQueue);
        }
    }

    /**
     * The put-back of a message its recipient's broker refused on a line that works ({@code refusal}: why): parked as a
     * down peer's is, with the refusal kept on it, so that only the refused ones are held back while the peer refuses
     * ({@link ParkedEnvelopes#refusedBy}).
     */
    public void refused(Session session, Message original, byte[] body, String peer, String refusal) throws JMSException {
        ParkedEnvelopes parking = parked;
        if (parking == null) {
            later(session, original, body, null);
            return;
        }
        try {
            parking.park(session, original, peer, refusal);
        } catch (IllegalArgumentException noQueue) {
            later(session, original, body, noQueue);
        }
    }

    /**
     * Sends a copy of {@code original} (whose body, as received, is {@code body}) on {@code session}, the batch's, to be
     * delivered again after its backoff. The copy carries the node's own headers ({@code Jukibus*}), the body, the
     * delivery mode and priority; not the JMS correlation id, type or expiration (no outbound message has them), nor
     * any other property (one the JMS API refuses to set would fail the put-back, and its batch, at every retry).
     */
    void later(Session session, Message original, byte[] body, Exception cause) throws JMSException {
        int attempt = (original.propertyExists(ATTEMPTS) ? original.getIntProperty(ATTEMPTS) : 0) + 1;
        BytesMessage copy = session.createBytesMessage();
        copy.writeBytes(body);
        for (Enumeration<?> names = original.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (name.startsWith(OWN_HEADERS)) {
                copy.setObjectProperty(name, original.getObjectProperty(name));
            }
        }
        copy.setIntProperty(ATTEMPTS, attempt);
        if (!original.propertyExists(QUEUED_AT)) {
            copy.setLongProperty(QUEUED_AT, original.getJMSTimestamp());
        }
        Duration wait = delay(attempt);
        // the broker compares a scheduled time with its own system clock, so it is set by that clock, not the node's
        copy.setLongProperty(SCHEDULED_DELIVERY, System.currentTimeMillis() + wait.toMillis());
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.send(copy, original.getJMSDeliveryMode(), original.getJMSPriority(), Message.DEFAULT_TIME_TO_LIVE);
        }
        log.debug("message {} for {} not sent ({}): tried again in {} (attempt {})", original.getStringProperty(Headers.MESSAGE_ID),
                original.getStringProperty(Headers.RECIPIENT), cause == null ? "" : cause.getMessage(), wait, attempt + 1);
    }
}
