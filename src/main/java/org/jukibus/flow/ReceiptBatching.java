package org.jukibus.flow;

import org.jukibus.envelope.EnvelopeHeader;

/**
 * Where the receipt for a delivered message goes when receipts are sent in batches (flow.nondelivery.ReceiptBatches): {@link Answers}
 * hands it over instead of sealing a {@link Receipt} of its own. An interface here so that the shared delivery code
 * does not depend on the batching package.
 */
public interface ReceiptBatching {

    /**
     * Takes the receipt for {@code delivered}, whose envelope had SHA-256 {@code envelopeDigest}, into a later batch
     * to its sender; kept so that a crash before the batch is sent still sends it.
     *
     * @return false when this node sends one receipt per message (the caller seals it)
     */
    boolean batch(EnvelopeHeader delivered, String envelopeDigest);
}
