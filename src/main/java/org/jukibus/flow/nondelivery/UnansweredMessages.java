package org.jukibus.flow.nondelivery;

import java.sql.SQLException;
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
 * 不達(受領通知なし): the final word on a message that awaits an answer and has had none for two outage windows.
 * A copy waits at most one window and a notice about it another, so no answer is to be expected any more; before its
 * status row is forgotten the legacy system gets a {@link NonDelivery} file NOT_DELIVERED,
 * reported by this node, reason {@value #UNANSWERED} (the OVERDUE file it got weeks ago was a warning only), with an
 * operation log entry ({@code MESSAGE_UNANSWERED}), a WARN and {@code jukibus_flow_unanswered_total{flow}}. Then the
 * row is closed, and forgotten a window after that close: a receipt its recipient held meanwhile (it could not seal to
 * this node, ReceiptBatches) still makes it DELIVERED and reaches the legacy system, as after any non-delivery. Whether the message arrived is unknown (its receipt may be what got
 * lost), so the file's detail says to ask the recipient before sending again. Causes: receipts the recipient could not send back, a recipient restored
 * from a backup older than the message, a flow switched off at the recipient.
 * <p>
 * Crash-safe: file and log entry are made while {@link SentMessages#closeAfter} holds the open row, and the close
 * commits after them. Killed in between, the row is still open, so the next purge writes the same file again (named
 * by the message id: the legacy system sees the same message's report twice, never a second outcome) and records
 * again; it is never lost. Nothing is forgotten open that awaits an answer ({@link SentMessages#purge}).
 */
public final class UnansweredMessages {

    /** The reason code of the final report: no receipt or answer ever came. */
    public static final String UNANSWERED = "UNANSWERED";

    private static final Logger log = LoggerFactory.getLogger(UnansweredMessages.class);
    /** Rows per query; a round takes batches until none is left. */
    private static final int BATCH = 500;

    private final SentMessages sent;
    private final NonDeliveryFiles files;
    private final Clock clock;
    private final FlowMetrics metrics;
    private final OperationLog audit;

    public UnansweredMessages(SentMessages sent, NonDeliveryFiles files, Clock clock, FlowMetrics metrics, OperationLog audit) {
        this.sent = sent;
        this.files = files;
        this.clock = clock;
        this.metrics = metrics;
        this.audit = audit;
    }

    /**
     * The outage-window purge of delivery status ({@code now} read as NodeClock#forForgetting): every open message
     * awaiting an answer queued before {@code openBefore} gets its final word, then {@link SentMessages#purge}.
     * A report that cannot be written (the outbox) throws before anything of this round is forgotten.
     */
    public int purge(Instant closedBefore, Instant openBefore) throws SQLException {
        Exception failed = null;
        try {
            tell(openBefore);
        } catch (Exception e) {
            failed = e; // the purge runs all the same: it never forgets an open message awaiting an answer
        }
        int purged = sent.purge(closedBefore, openBefore);
        if (failed instanceof SQLException e) {
            throw e;
        }
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException("cannot report unanswered messages as not delivered: " + failed.getMessage(), failed);
        }
        return purged;
    }

    /** Tells and closes every open message awaiting an answer queued before {@code before}; returns how many. */
    public int tell(Instant before) throws Exception {
        int told = 0;
        List<SentMessages.Sent> batch;
        do {
            batch = sent.unanswered(before, BATCH);
            for (SentMessages.Sent message : batch) {
                Instant now = clock.instant();
                if (sent.closeAfter(message.messageId(), message.recipient(), UNANSWERED, now, open -> finalWord(open, now))) {
                    metrics.unanswered(message.flow());
                    told++;
                }
            }
        } while (batch.size() == BATCH);
        return told;
    }

    private void finalWord(SentMessages.Sent message, Instant now) throws Exception {
        Duration waited = Duration.between(message.queuedAt(), now);
        files.write(new NonDelivery(message.messageId(), message.flow(), message.recipient(), NonDelivery.NOT_DELIVERED,
                NonDelivery.BY_SENDER, UNANSWERED, "no receipt or answer came in " + waited.toDays()
                + " days and none will come now: it may have arrived or not; ask the recipient before sending it again",
                message.queuedAt().toString(), now.toString()));
        audit.record(AuditEvent.of(AuditKind.MESSAGE_UNANSWERED).flow(message.flow()).message(message.messageId(), null)
                .recipient(message.recipient()).detail("queued at " + message.queuedAt() + ", no answer in " + waited.toDays()
                        + " days: reported not delivered"));
        log.warn("{} message {} to {} had no receipt or answer in {} days (queued at {}): reported not delivered ({})",
                message.flow(), message.messageId(), message.recipient(), waited.toDays(), message.queuedAt(), UNANSWERED);
    }
}
