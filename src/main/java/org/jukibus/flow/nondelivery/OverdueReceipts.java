package org.jukibus.flow.nondelivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.flow.FlowMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 受領遅延: a message that awaits an answer ({@link NonDeliveryFlow#awaitsAnswer}) and has none
 * {@code jukibus.receipts.overdue-after} after it was queued is reported once: a {@link NonDelivery} file
 * with status OVERDUE in the legacy outbox, a WARN, an operation log entry and the metric
 * {@code jukibus_flow_overdue_total{flow}}. A warning, not a failure: the recipient may be down for days and
 * its messages wait for it, so the message stays open and a later receipt still closes it. Run by the timer
 * in {@code routes/common/delivery-status.yaml}; the file is written before the mark, so a crash in between
 * writes the same file again rather than losing it.
 */
public final class OverdueReceipts {

    private static final Logger log = LoggerFactory.getLogger(OverdueReceipts.class);
    /** At most this many reports per run; the next run takes the rest. */
    private static final int BATCH = 500;

    private final SentMessages sent;
    private final NonDeliveryFiles files;
    private final Duration overdueAfter;
    private final Clock clock;
    private final FlowMetrics metrics;
    private final OperationLog audit;

    public OverdueReceipts(SentMessages sent, NonDeliveryFiles files, Duration overdueAfter, Clock clock,
                           FlowMetrics metrics, OperationLog audit) {
        this.sent = sent;
        this.files = files;
        this.overdueAfter = overdueAfter;
        this.clock = clock;
        this.metrics = metrics;
        this.audit = audit;
    }

    /** Reports every message overdue now; returns how many. */
    public int report() throws Exception {
        Instant now = clock.instant();
        List<SentMessages.Sent> overdue = sent.overdue(now.minus(overdueAfter), BATCH);
        for (SentMessages.Sent message : overdue) {
            files.write(new NonDelivery(message.messageId(), message.flow(), message.recipient(), NonDelivery.OVERDUE,
                    NonDelivery.BY_SENDER, NonDelivery.OVERDUE, "no receipt or answer from the recipient within " + overdueAfter,
                    message.queuedAt().toString(), now.toString()));
            if (sent.markOverdue(message.messageId(), message.recipient(), now)) {
                metrics.overdue(message.flow());
                audit.record(AuditEvent.of(AuditKind.RECEIPT_OVERDUE).flow(message.flow()).message(message.messageId(), null)
                        .recipient(message.recipient()).detail("queued at " + message.queuedAt() + ", no answer after " + overdueAfter));
                log.warn("{} message {} to {} has no receipt {} after it was queued (at {}): reported overdue",
                        message.flow(), message.messageId(), message.recipient(), overdueAfter, message.queuedAt());
            }
        }
        return overdue.size();
    }
}
