package org.jukibus.flow.nondelivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.Flows;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.Receipt;
import org.jukibus.flow.TransientFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's end of a {@link ReceiptBatch}: each entry is reconciled as a single receipt would be, and only for a
 * message this node sent to the node that signed the batch (its {@code Recipient}, checked against the signer before
 * any handler runs: flow.Delivered#requireSound). An entry about a message sent to another node, or never sent, is
 * ignored and logged: a peer holding a valid certificate cannot close another peer's message. An entry whose envelope
 * digest is that of no envelope this node sealed for the signer under that id writes its receipt file but leaves the
 * message open (logged); one sealed before a crash sealed the file again closes it ({@link SentMessages#sealedAs}). An
 * accepted entry writes the receipt file the legacy system has always had, {@code outbox/receipt/<recipient>-<id>.xml}
 * (schemas/receipt.xsd, the name a single receipt's file gets), then closes the message as DELIVERED; an entry for a
 * message already closed as DELIVERED writes nothing (a batch delivered again after a crash). The batch's receipt files
 * are written together (one force of the folder, one ledger commit), each once ({@link LegacyOutbox#writeOnce}), then
 * its messages closed together (one commit): a crash in between has the batch delivered again, which writes no file a
 * second time and closes what is still open.
 */
public final class ReceiptBatchHandler implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(ReceiptBatchHandler.class);

    /** The reason a batch waits: it names a message sealed moments ago whose delivery status is not recorded yet. */
    static final String STATUS_NOT_RECORDED = "STATUS_NOT_RECORDED";

    /**
     * How long after sealing a message this node expects its delivery status to be recorded: the intake records it
     * within milliseconds of queuing, a slow thread within seconds; 10 minutes also covers a restart after a crash in
     * between (the file picked up and sealed again). An entry for a message sealed longer ago with no status is ignored.
     */
    static final Duration STATUS_EXPECTED_WITHIN = Duration.ofMinutes(10);

    private final SentMessages sent;
    private final org.jukibus.flow.SentPayloads sealed;
    private final String self;
    private final Clock clock;

    /** @param sealed what this node sealed, for whom: tells a message not recorded yet from one never sent */
    public ReceiptBatchHandler(SentMessages sent, org.jukibus.flow.SentPayloads sealed, String self, Clock clock) {
        this.sent = sent;
        this.sealed = sealed;
        this.self = self;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(ReceiptBatchFlow.FLOW.name());
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws IOException, TransientFailure {
        EnvelopeHeader header = message.header();
        String from = header.sender();
        ReceiptBatch batch = Payloads.read(message.payload(), ReceiptBatch.class);
        // an id listed twice in one batch counts once, as its first entry says
        Map<String, ReceiptBatch.Received> entries = new LinkedHashMap<>();
        batch.received().forEach(entry -> entries.putIfAbsent(entry.messageId(), entry));
        Map<String, SentMessages.Sent> recorded = sent.find(List.copyOf(entries.keySet()), from);
        List<ReceiptBatch.Received> open = new ArrayList<>();
        for (ReceiptBatch.Received entry : entries.values()) {
            if (isOpen(entry, recorded.get(entry.messageId()), header)) {
                open.add(entry);
            }
        }
        if (open.isEmpty()) {
            log.debug("receipt batch {} from {}: none of {} entries closed a message", header.messageId(), from, entries.size());
            return;
        }
        List<LegacyOutbox.Standing> files = new ArrayList<>();
        for (ReceiptBatch.Received entry : open) {
            Receipt receipt = new Receipt(entry.messageId(), entry.receivedAt(), from, Receipt.DELIVERED, null, entry.envelopeDigest());
            String receiptId = MessageIds.receiptOf(self, entry.messageId());
            files.add(new LegacyOutbox.Standing(from + "-" + receiptId + ".xml", Payloads.bytes(receipt), receiptId));
        }
        // each file once: the batch may be delivered again (a crash before the close, an entry left open) after the
        // legacy system took its files
        outbox.writeOnce(Flows.RECEIPT.name(), from, files);
        // any envelope sealed here for the signer under this id closes it: a sender killed after the send and before it
        // recorded it seals the picked-up file again, and the recipient keeps the first copy (SentMessages#sealedAs)
        Set<String> ours = sent.sealedAs(open.stream().map(ReceiptBatch.Received::messageId).toList(), from,
                open.stream().map(ReceiptBatch.Received::envelopeDigest).toList());
        List<String> closing = new ArrayList<>();
        for (ReceiptBatch.Received entry : open) {
            if (ours.contains(entry.messageId())) {
                closing.add(entry.messageId());
            } else {
                // the recipient holds an envelope under this id that this node never sealed for it: the receipt file is
                // written, as a single receipt's always was (its digest says which envelope); the message stays open, so
                // the overdue report shows the difference to the operator
                log.warn("receipt batch {} from {} names envelope digest {} for message {}, which this node never sealed for {}: "
                        + "receipt written, message left open", header.messageId(), from, entry.envelopeDigest(), entry.messageId(), from);
            }
        }
        int taken = closing.isEmpty() ? 0 : sent.deliveredAll(closing, from, header.messageId(), clock.instant());
        log.debug("receipt batch {} from {}: {} of {} entries closed a message", header.messageId(), from, taken, entries.size());
    }

    /**
     * Whether the entry names an open message this node sent to the batch's signer ({@code original}: its record, if
     * any): then it gets its receipt file. Waits (a transient failure) for one sealed moments ago and not yet recorded.
     */
    private boolean isOpen(ReceiptBatch.Received entry, SentMessages.Sent original, EnvelopeHeader header) throws TransientFailure {
        String from = header.sender();
        if (original == null) {
            Optional<Instant> sealedAt = sealed.lastSealed(entry.messageId(), from);
            if (sealedAt.isPresent() && sealedAt.get().isAfter(clock.instant().minus(STATUS_EXPECTED_WITHIN))) {
                // sealed here for this signer moments ago, its delivery status not recorded yet: the intake records it
                // just after the message is in the outbound queue, and a batch can overtake a slow intake thread.
                // Ignoring the entry would lose its receipt for good: the batch waits (a transient failure) and is
                // delivered again with the broker's backoff, by which time the status is there.
                throw TransientFailure.ofThisMessage(STATUS_NOT_RECORDED, "receipt batch " + header.messageId() + " from " + from
                        + " acknowledges message " + entry.messageId() + " before this node recorded sending it", null);
            }
            if (sealedAt.isPresent()) {
                // sealed for the signer long ago and no status: the status was closed and purged (the payload is kept
                // longer), or a crash lost it; waiting would hold the batch, and every other receipt in it, for ever
                log.warn("receipt batch {} from {} lists message {}, sealed here for {} at {} but with no delivery status"
                        + " (closed and purged, or lost in a crash): entry ignored", header.messageId(), from,
                        entry.messageId(), from, sealedAt.get());
                return false;
            }
            log.warn("receipt batch {} from {} lists message {}, which this node did not send to {}: entry ignored",
                    header.messageId(), from, entry.messageId(), from);
            return false;
        }
        return original.state() != SentMessages.State.DELIVERED;
    }
}
