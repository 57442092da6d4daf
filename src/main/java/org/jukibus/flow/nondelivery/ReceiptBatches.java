package org.jukibus.flow.nondelivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Receipts owed to a node that cannot be sealed to now (gone from the directory, its certificate revoked: often for a
 * while only, re-keyed after a revocation and waiting for the next directory) are held, not dropped: left in the store,
 * passed over by the ticks so they hold back nobody, and looked at again every {@value #RETRY_SECONDS} s; once the node can
 * be sealed to again they go out as usual. Held for the outage window after they were owed (by then the sender has
 * long reported them overdue and reports them not delivered a window later: UnansweredMessages), and at most
 * {@value #MAX_HELD_PER_SENDER} per node (a node that keeps itself unsealable must not grow the table without limit);
 * what goes beyond either bound is forgotten with a WARN.
 */
public final class ReceiptBatches implements ReceiptBatching {

    private static final Logger log = LoggerFactory.getLogger(ReceiptBatches.class);

    /** Exchange property: the receipts the batches of this tick carry, forgotten by {@link #sent}. */
    static final String TAKEN = "JukibusReceiptsTaken";
    static final String SETTLES = "JukibusReceiptsSettle";
    /** Batches per tick at most; the rest waits for the next tick. */
    private static final int BATCHES_PER_TICK = 10;
    /** How often receipts held for nodes that cannot be sealed to are looked at again. */
    static final int RETRY_SECONDS = 60;
    /** Receipts held per node that cannot be sealed to, at most: about 1.5 MB of rows. */
    static final int MAX_HELD_PER_SENDER = 10_000;

    private final PendingReceipts pending;
    private final String self;
    private final boolean enabled;
    private final int maxIds;
    private final Predicate<String> sealable;
    private final Clock clock;
    private final Duration heldFor;
    /** Nodes whose receipts are held (they could not be sealed to at the last look); read and written by ticks only. */
    private Set<String> held = Set.of();
    private Instant nextLook;
    /**
     * Receipts owed are counted in, and counted off only once a tick's batches are in the outbound queue: a tick that
     * fails anywhere (the store, sealing, the send) leaves the count unsettled, so the next tick takes the rows again.
     * Starts at 1: rows may be left from before a restart.
     */
    private final AtomicLong added = new AtomicLong(1);
    private volatile long settled;
    /** Told when a receipt is owed ({@link ReceiptBatchTicks}: the route ticks only then). */
    private volatile Runnable onOwed = () -> { };

    /**
     * @param sealable whether a sender can still be sealed to (envelope.NodeEnvelopes#canSealTo)
     * @param heldFor  how long receipts owed to a node that cannot be sealed to are held: the outage window
     */
    public ReceiptBatches(PendingReceipts pending, String self, boolean enabled, int maxIds, Predicate<String> sealable,
                          Clock clock, Duration heldFor) {
        this.pending = pending;
        this.heldFor = heldFor;
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

    /**
     * Whether receipts are owed that no tick has settled yet (added since, or left by a failed tick or a restart), or
     * are held for a node that cannot be sealed to: the ticks must go on for their next look (ReceiptBatchTicks stops
     * ticking otherwise, and a quiet node would never send them). Called by ticks only, as {@link #held} is written.
     */
    boolean owed() {
        return added.get() != settled || !held.isEmpty();
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
        Instant now = clock.instant();
        boolean look = !held.isEmpty() && lookAgain(now);
        if (seen == settled && !look) {
            exchange.setProperty(Headers.NOTHING_TO_SEND, true);
        } else {
            int limit = maxIds * BATCHES_PER_TICK;
            Set<String> before = held;
            Set<String> stillHeld = new HashSet<>(look ? Set.of() : held);
            List<Pending> read = pending.oldest(limit, stillHeld); // a look reads the held ones too
            // everything added until now is in this tick, unless there was more than one tick's worth
            exchange.setProperty(SETTLES, read.size() < limit ? seen : null);
            Map<String, List<Pending>> bySender = new LinkedHashMap<>();
            for (Pending p : read) {
                bySender.computeIfAbsent(p.sender(), s -> new ArrayList<>()).add(p);
            }
            List<Pending> taken = new ArrayList<>(read.size());
            for (Map.Entry<String, List<Pending>> e : bySender.entrySet()) {
                String sender = e.getKey();
                List<Pending> all = e.getValue();
                if (!sealable.test(sender)) {
                    hold(sender, all.size(), now, before.contains(sender));
                    stillHeld.add(sender);
                    continue; // left in the store, passed over until the next look
                }
                if (before.contains(sender)) {
                    log.info("receipts owed to {} go out: it can be sealed to again", sender);
                }
                taken.addAll(all);
                for (int from = 0; from < all.size(); from += maxIds) {
                    batches.add(batchFor(sender, all.subList(from, Math.min(all.size(), from + maxIds))));
                }
            }
            if (look && read.size() == limit) {
                // a full look read only the oldest: the held nodes it did not reach are still held (no second WARN)
                before.stream().filter(s -> !bySender.containsKey(s)).forEach(stillHeld::add);
            }
            if (look || !stillHeld.equals(held)) {
                nextLook = now.plusSeconds(RETRY_SECONDS);
            }
            held = Set.copyOf(stillHeld);
            exchange.setProperty(TAKEN, taken);
        }
        exchange.getIn().setBody(batches);
    }

    /** Whether the held receipts are due for another look (also when the clock went back past the last one). */
    private boolean lookAgain(Instant now) {
        return nextLook == null || !now.isBefore(nextLook) || now.isBefore(nextLook.minusSeconds(RETRY_SECONDS));
    }

    /** Keeps what is owed to {@code sender}, which cannot be sealed to now, within its bounds. */
    private void hold(String sender, int owed, Instant now, boolean heldBefore) {
        int forgotten = pending.forget(sender, now.minus(heldFor), MAX_HELD_PER_SENDER);
        if (forgotten > 0) {
            log.warn("{} receipt(s) owed to {} forgotten: it could not be sealed to for {} (or more than {} were held); its"
                    + " operators see those messages reported overdue, then not delivered", forgotten, sender, heldFor,
                    MAX_HELD_PER_SENDER);
        }
        if (!heldBefore) {
            log.warn("receipt(s) owed to {} held ({} now, at most {}): it is not in the directory or its certificate is revoked;"
                    + " they go out once it can be sealed to again, within {}", sender, owed, MAX_HELD_PER_SENDER, heldFor);
        }
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
