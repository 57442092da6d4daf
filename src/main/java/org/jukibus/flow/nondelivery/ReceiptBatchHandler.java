package org.jukibus.flow.nondelivery;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.Flows;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.Receipt;
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
 * message already closed as DELIVERED writes nothing (a batch delivered again after a crash).
 */
public final class ReceiptBatchHandler implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(ReceiptBatchHandler.class);

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
    public void deliver(Delivered message, LegacyOutbox outbox) throws IOException {
        EnvelopeHeader header = message.header();
        ReceiptBatch batch = Payloads.read(message.payload(), ReceiptBatch.class);
        int taken = 0;
        for (ReceiptBatch.Received entry : batch.received()) {
            if (reconcile(entry, header, outbox)) {
                taken++;
            }
        }
        log.debug("receipt batch {} from {}: {} of {} entries closed a message", header.messageId(), header.sender(), taken,
                batch.received().size());
    }

    private boolean reconcile(ReceiptBatch.Received entry, EnvelopeHeader header, LegacyOutbox outbox) throws IOException {
        String from = header.sender();
        Optional<SentMessages.Sent> original = sent.find(entry.messageId(), from);
        if (original.isEmpty() && sealed.find(entry.messageId()).filter(k -> from.equals(k.recipient())).isPresent()) {
            // sealed here for this signer, but its delivery status is not recorded yet: the intake records it just
            // after the message is in the outbound queue, and a batch can overtake a slow intake thread (or a crash in
            // between, until the file is picked up again). Ignoring the entry would lose its receipt for good: the
            // batch is delivered again with the broker's backoff, by which time the status is there.
            throw new IOException("receipt batch " + header.messageId() + " from " + from + " acknowledges message "
                    + entry.messageId() + " before this node recorded sending it; delivered again shortly");
        }
        if (original.isEmpty()) {
            log.warn("receipt batch {} from {} lists message {}, which this node did not send to {}: entry ignored",
                    header.messageId(), from, entry.messageId(), from);
            return false;
        }
        if (original.get().state() == SentMessages.State.DELIVERED) {
            return false;
        }
        Receipt receipt = new Receipt(entry.messageId(), entry.receivedAt(), from, Receipt.DELIVERED, null, entry.envelopeDigest());
        outbox.write(Flows.RECEIPT.name(), from + "-" + MessageIds.receiptOf(self, entry.messageId()) + ".xml",
                Payloads.bytes(receipt));
        // any envelope sealed here for the signer under this id closes it: a sender killed after the send and before it
        // recorded it seals the picked-up file again, and the recipient keeps the first copy (SentMessages#sealedAs)
        if (!sent.sealedAs(entry.messageId(), from, entry.envelopeDigest())) {
            // the recipient holds an envelope under this id that this node never sealed for it: the receipt file is
            // written, as a single receipt's always was (its digest says which envelope); the message stays open, so
            // the overdue report shows the difference to the operator
            log.warn("receipt batch {} from {} names envelope digest {} for message {}, which this node never sealed for {}: "
                    + "receipt written, message left open", header.messageId(), from, entry.envelopeDigest(), entry.messageId(), from);
            return false;
        }
        return sent.delivered(entry.messageId(), from, header.messageId(), clock.instant());
    }
}
