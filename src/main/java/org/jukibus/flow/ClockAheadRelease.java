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
 * due: every minute, in local transactions of at most {@value #BATCH} envelopes or {@value #BATCH_BYTES} bytes, each batch marked released after its
 * commit (a crash in between puts it back twice; the second copy is a REPLAY or an IN_FLIGHT retry of the first, never a
 * second delivery: SeenMessages; a REPLAY is a dead letter). Each round first forgets what the seen messages record as
 * delivered or told ({@link ClockAheadHold#forgetSeen}). The delivery route then opens it again on the node clock as it opens any envelope.
 * <p>
 * Visible: {@code jukibus_delivery_clock_ahead_held{sender}} (envelopes held now, by sender; a sender's gauge stays, at
 * 0, once it had any), {@code jukibus_delivery_clock_ahead_held_envelopes} (all senders, from the start: the alert's), the health component {@code clock} ({@link #heldBySender()}), and one WARN per episode
 * ({@link ClockAheadHold}).
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

    private void putBack(List<ClockAheadHold.Held> due) throws JMSException {
        try (Connection connection = local.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (ClockAheadHold.Held h : due) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(h.envelope());
                message.setStringProperty(HELD_FOR, h.sender());
                // no _AMQ_DUPL_ID: the address's duplicate cache holds the original's message id and would drop it
                producer.send(session.createQueue(INBOUND_PREFIX + h.flow()), message);
            }
            session.commit();
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
        hold.episode(now.values().stream().mapToLong(Long::longValue).sum());
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
