package org.jukibus.flow.nondelivery;

import java.util.List;

import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.flow.FlowPackage;

/**
 * Receipts in batches (issue 19): the recipient of messages that want a receipt ({@link FlowDefinition#receipt()})
 * acknowledges them per sender in one signed {@link ReceiptBatch} every {@code jukibus.receipts.batch.interval}
 * ({@link ReceiptBatches}); the sender reconciles each entry as it would a single receipt ({@link ReceiptBatchHandler}).
 * The payload's {@code Recipient} must be the batch's signer. Not tracked, never answered (no receipt for a receipt).
 */
public final class ReceiptBatchFlow extends FlowPackage {

    public static final FlowDefinition FLOW = new FlowDefinition(
            "receipt-batch", ReceiptBatch.TYPE, "Recipient", null, null, false);

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public ReceiptBatchFlow() {
        super(List.of(FLOW), List.of(PayloadType.of(ReceiptBatch.TYPE, "receipt-batch.xsd", ReceiptBatch.NS)),
                List.of(ReceiptBatchConfiguration.class));
    }
}
