package org.jukibus.flow.nondelivery;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.ReceiptBatching;
import org.jukibus.flow.nondelivery.PendingReceipts.Pending;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipient's end: receipts owed are kept ({@link PendingReceipts}) and, on the ticks of
 * {@code routes/common/receipt-batches.yaml} (one {@code jukibus.receipts.batch.interval} after a receipt is owed, and
 * again while any is: {@link ReceiptBatchTicks}), sent per sender in
 * {@link ReceiptBatch}es of at most {@code jukibus.receipts.batch.max-ids} entries (the {@code scheduled-send}
 * template: {@link #make}, then {@link #sent} once they are in the outbound queue). A batch's id is made from its
 * sender and entries, so one sent again after a crash is dropped by the sender's broker. A tick with nothing owed
 * reads nothing: the store is read only after a delivery added a receipt, and once after a start (what a crash left).
 * Receipts owed to a node that can no longer be sealed to (gone from the directory, revoked) are dropped with a
 * warning, so that they do not hold back everyone else's.
 */
public final class ReceiptBatches implements ReceiptBatching {

    private static final Logger log = LoggerFactory.getLogger(ReceiptBatches.class);

    /** Exchange property: the receipts the batches of this tick carry, forgotten by {@link #sent}. */
    static final String TAKEN = "JukibusReceiptsTaken";
    static final String SETTLES = "JukibusReceiptsSettle";
    /** Batches per tick at most; the rest waits for the next tick. */
    private static final int BATCHES_PER_TICK = 10;

    private final PendingReceipts pending;
    private final String self;
    private final boolean enabled;
    private final int maxIds;
    private final Predicate<String> sealable;
    private final Clock clock;
    /**
     * Receipts owed are counted in, and counted off only once a tick's batches are in the outbound queue: a tick that
     * fails anywhere (the store, sealing, the send) leaves the count unsettled, so the next tick takes the rows again.
     * Starts at 1: rows may be left from before a restart.
     */
    private final AtomicLong added = new AtomicLong(1);
    private volatile long settled;
    /** Told when a receipt is owed ({@link ReceiptBatchTicks}: the route ticks only then). */
    private volatile Runnable onOwed = () -> { };

    /** @param sealable whether a sender can still be sealed to (envelope.NodeEnvelopes#canSealTo) */
    public ReceiptBatches(PendingReceipts pending, String self, boolean enabled, int maxIds, Predicate<String> sealable,
                          Clock clock) {
        this.pending = pending;
        this.sealable = sealable;
        this.self = self;
        this.enabled = enabled;
        this.maxIds = maxIds;
        this.clock = clock;
    }

    @Override
    public boolean batch(EnvelopeHeader delivered, String envelopeDigest) {
        if (!enabled) {
            return false;
        }
        pending.add(new Pending(delivered.sender(), delivered.messageId(), envelopeDigest, clock.instant()));
        added.incrementAndGet();
        onOwed.run();
        return true;
    }

    /** Whether receipts are owed that no tick has settled yet (added since, or left by a failed tick or a restart). */
    boolean owed() {
        return added.get() != settled;
    }

    /** What to tell when a receipt is owed; null: nothing. */
    void whenOwed(Runnable action) {
        onOwed = action == null ? () -> { } : action;
    }

    /**
     * Sets the body to this tick's batches (possibly none); with nothing owed since the last settled tick, also
     * {@link Headers#NOTHING_TO_SEND}: {@link #sent} would have nothing to record, and the route stops.
     */
    public void make(Exchange exchange) throws IOException {
        List<Answer> batches = new ArrayList<>();
        long seen = added.get();
        if (seen == settled) {
            exchange.setProperty(Headers.NOTHING_TO_SEND, true);
        } else {
            int limit = maxIds * BATCHES_PER_TICK;
            List<Pending> taken = pending.oldest(limit);
            // everything added until now is in this tick, unless there was more than one tick's worth
            exchange.setProperty(SETTLES, taken.size() < limit ? seen : null);
            Map<String, List<Pending>> bySender = new LinkedHashMap<>();
            for (Pending p : taken) {
                bySender.computeIfAbsent(p.sender(), s -> new ArrayList<>()).add(p);
            }
            for (Map.Entry<String, List<Pending>> e : bySender.entrySet()) {
                List<Pending> all = e.getValue();
                if (!sealable.test(e.getKey())) {
                    log.warn("{} receipt(s) owed to {} dropped: it is no longer in the directory or its certificate is revoked",
                            all.size(), e.getKey());
                    continue; // forgotten by sent() with the rest
                }
                for (int from = 0; from < all.size(); from += maxIds) {
                    batches.add(batchFor(e.getKey(), all.subList(from, Math.min(all.size(), from + maxIds))));
                }
            }
            exchange.setProperty(TAKEN, taken);
        }
        exchange.getIn().setBody(batches);
    }

    /** Called once this tick's batches are in the outbound queue. */
    public void sent(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Pending> taken = exchange.getProperty(TAKEN, List.class);
        if (taken != null && !taken.isEmpty()) {
            pending.remove(taken);
        }
        Long settles = exchange.getProperty(SETTLES, Long.class);
        if (settles != null) {
            settled = settles;
        }
    }

    private Answer batchFor(String sender, List<Pending> entries) throws IOException {
        List<ReceiptBatch.Received> received = entries.stream()
                .map(p -> new ReceiptBatch.Received(p.messageId(), p.receivedAt().toString(), p.envelopeDigest())).toList();
        String id = MessageIds.madeFrom(ReceiptBatchFlow.FLOW.name(),
                sender + "\0" + String.join(",", entries.stream().map(Pending::messageId).toList()));
        return new Answer(ReceiptBatchFlow.FLOW, sender, id, null, Payloads.document(new ReceiptBatch(self, received)));
    }
}
