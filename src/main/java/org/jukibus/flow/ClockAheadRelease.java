package org.jukibus.flow;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jukibus.core.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts envelopes {@link ClockAheadHold} held back on their inbound queue ({@code jukibus.inbound.<flow>}) once they are
 * due: every minute, in batches of at most {@value #BATCH} envelopes or {@value #BATCH_BYTES} bytes, each batch marked
 * released after its sends (a crash or a failed store write in between puts it back again, which the broker drops as a
 * duplicate: {@link ClockAheadHold.Held#duplicateId}). Each round first forgets what the seen messages record as
 * delivered or told ({@link ClockAheadHold#forgetSeen}). The delivery route then opens it again on the node clock as it opens any envelope.
 * <p>
 * Visible: {@code jukibus_delivery_clock_ahead_held{sender}} (envelopes held now, by sender; a sender's gauge stays, at
 * 0, once it had any), {@code jukibus_delivery_clock_ahead_held_envelopes} (all senders, from the start: a sender's clock ahead),
 * {@code jukibus_delivery_clock_ahead_senders} (senders held now, from the start: this node's clock behind at
 * {@link ClockAheadHold#NODE_CLOCK_SENDERS} or more), the health component {@code clock} ({@link #heldBySender()}), and one
 * WARN per sender's episode and per node-clock episode ({@link ClockAheadHold}).
 */
public final class ClockAheadRelease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClockAheadRelease.class);

    static final int BATCH = 100;
    /** At most this many envelope bytes per batch (as ParkedEnvelopes moves them): a batch is read into the heap. */
    static final long BATCH_BYTES = 4L * 1024 * 1024;
    /** At most this many batches per round: a large hold goes back over several minutes, not in one burst. */
    static final int BATCHES_PER_ROUND = 20;
    public static final String INBOUND_PREFIX = "jukibus.inbound.";
    /**
     * On a put-back copy: the signer whose envelope it is. Trusted only on a message this node produced (a peer's own
     * property of this name is ignored, and DeadLetters drops every Jukibus property of a peer's message, so a replayed
     * dead letter cannot carry one either), and only naming the envelope's verified signer.
     */
    public static final String HELD_FOR = "JukibusHeldFor";

    private final ClockAheadHold hold;
    private final ConnectionFactory local;
    private final MeterRegistry registry;
    private final Duration forgetReleasedAfter;
    private final Map<String, Long> held = new ConcurrentHashMap<>();
    private final PeriodicJob job;

    /**
     * @param forgetReleasedAfter a put-back row whose copy was neither delivered nor refused after this (an operator
     *                            removed it) is forgotten: the outage window
     * @param every               the round's interval; null: no job (a test calls {@link #round})
     */
    public ClockAheadRelease(ClockAheadHold hold, ConnectionFactory local, MeterRegistry registry, Duration forgetReleasedAfter,
                             Duration every) {
        this.hold = hold;
        this.local = local;
        this.registry = registry;
        this.forgetReleasedAfter = forgetReleasedAfter;
        // the alert's series, there from the start (a per-sender gauge appears only with its first held envelope)
        Gauge.builder("jukibus.delivery.clock.ahead.held.envelopes", held, m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("Envelopes made ahead of this node's clock, held rather than refused, all senders")
                .register(registry);
        // this node's clock behind holds every sender's envelopes, one sender's clock ahead only its own (its alert's)
        Gauge.builder("jukibus.delivery.clock.ahead.senders", held, m -> m.values().stream().filter(n -> n > 0).count())
                .description("Senders with envelopes made ahead of this node's clock held now; "
                        + ClockAheadHold.NODE_CLOCK_SENDERS + " or more: is this node's clock behind?")
                .register(registry);
        this.job = every == null || !hold.on() ? null
                : PeriodicJob.start("clock-ahead-release", Duration.ofSeconds(30), every, this::round);
    }

    /** One round: what is due goes back; the gauges and the episode follow what is held. Returns how many went back. */
    public int round() throws JMSException {
        hold.forgetSeen();
        int back = 0;
        for (int i = 0; i < BATCHES_PER_ROUND; i++) {
            List<ClockAheadHold.Held> due = hold.due(BATCH, BATCH_BYTES);
            if (due.isEmpty()) {
                break;
            }
            putBack(due);
            hold.released(due);
            back += due.size();

        }
        if (back > 0) {
            log.info("put {} held envelope(s) back on their inbound queues: the node clock reached them, or their hold of {} is over",
                    back, hold.hold());
        }
        int forgotten = hold.forgetReleasedBefore(forgetReleasedAfter);
        if (forgotten > 0) {
            log.warn("forgot {} envelope(s) put back more than {} ago whose copy was neither delivered nor refused since", forgotten,
                    forgetReleasedAfter);
        }
        refresh();
        return back;
    }

    /**
     * Sends each copy with its duplicate id ({@link ClockAheadHold.Held#duplicateId}), each send on its own (not in one
     * transaction: the broker fails a whole transaction's commit if one of its messages is a duplicate, and the batch
     * would then never go). A batch sent again, because {@link ClockAheadHold#released} failed after its sends (a store
     * blip) or a crash came in between, is dropped by the broker's duplicate cache: not a second copy, which would be a
     * REPLAY dead letter and a security event (analysis-merge11 L1).
     */
    private void putBack(List<ClockAheadHold.Held> due) throws JMSException {
        try (Connection connection = local.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT); // a persistent send returns once the broker has it
            for (ClockAheadHold.Held h : due) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(h.envelope());
                message.setStringProperty(HELD_FOR, h.sender());
                message.setStringProperty(Headers.DUPLICATE_ID, h.duplicateId());
                producer.send(session.createQueue(INBOUND_PREFIX + h.flow()), message);
            }
        }
    }

    private void refresh() {
        Map<String, Long> now = hold.heldBySender();
        held.keySet().forEach(sender -> held.put(sender, now.getOrDefault(sender, 0L)));
        now.forEach((sender, n) -> {
            if (held.put(sender, n) == null) {
                Gauge.builder("jukibus.delivery.clock.ahead.held", held, m -> m.getOrDefault(sender, 0L))
                        .description("Envelopes from this sender made ahead of this node's clock, held rather than refused")
                        .tag("sender", sender).register(registry);
            }
        });
        hold.episodes(now);
    }

    /** Envelopes held now, by sender (as of the last round). */
    public Map<String, Long> heldBySender() {
        Map<String, Long> nonZero = new java.util.TreeMap<>();
        held.forEach((sender, n) -> {
            if (n > 0) {
                nonZero.put(sender, n);
            }
        });
        return nonZero;
    }

    @Override
    public void close() {
        if (job != null) {
            job.close();
        }
    }
}
