package org.jukibus.flow.nondelivery;

import org.jukibus.core.TimerIntervals;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code jukibus.receipts.batch.*}: receipts in batches (see {@link ReceiptBatches}).
 *
 * @param enabled  send receipts in batches; false: one receipt per message, as nodes before issue 19 do. Every node
 *                 accepts both; during a rolling upgrade keep it false until every peer runs a version that accepts
 *                 batches (docs/architecture.md)
 * @param interval how often the receipts owed are sent: {@code 200ms}, {@code 1s} (the timer of
 *                 {@code routes/common/receipt-batches.yaml} reads it; only this form is accepted)
 * @param maxIds   entries per batch at most (1 to 1000, the schema's limit); more owed to one sender go in several
 */
@ConfigurationProperties("jukibus.receipts.batch")
public record ReceiptBatchProperties(@DefaultValue("true") boolean enabled,
                                     @DefaultValue("200ms") String interval,
                                     @DefaultValue("200") int maxIds) {

    public ReceiptBatchProperties {
        TimerIntervals.require("jukibus.receipts.batch.interval", interval);
        if (maxIds < 1 || maxIds > 1000) {
            throw new IllegalArgumentException("jukibus.receipts.batch.max-ids must be 1 to 1000, not " + maxIds);
        }
    }
}
