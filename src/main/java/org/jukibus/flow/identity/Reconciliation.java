package org.jukibus.flow.identity;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.TransientFailure;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.PermanentFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's side of 更新件数リスト (第6の6): a municipality for its batches, a delegating prefecture
 * for what it forwarded to central. Each update-count list that comes back is compared with what was
 * sent ({@link Reconciler}); every update not confirmed by the cut-off ({@link CutoffSchedule}) is
 * reported MISSING. Each outcome is a row in {@code identity_reconciliation} and a report in
 * {@code legacy/outbox/identity-update-reconciliation/}; a MISMATCH or MISSING is also an alert: a
 * WARN log line and a {@link AuditKind#RECONCILIATION_ALERT} entry in the operation log. Handler of the
 * {@code update-count-list} flow. A list for an update this node has no note of sending
 * ({@code UNKNOWN_UPDATE}) is retried (the list can overtake that note) and dead-lettered when the
 * retries run out; a list from a node the update did not go to is refused for good ({@code WRONG_CONFIRMER}).
 */
public final class Reconciliation implements FlowHandler {

    public static final String UNKNOWN_UPDATE = "UNKNOWN_UPDATE";
    public static final String WRONG_CONFIRMER = "WRONG_CONFIRMER";

    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final SentUpdates sent;
    private final CutoffSchedule schedule;
    private final LegacyOutbox outbox;
    private final OperationLog audit;
    private final Clock clock;

    public Reconciliation(SentUpdates sent, CutoffSchedule schedule, LegacyOutbox outbox, OperationLog audit, Clock clock) {
        this.sent = sent;
        this.schedule = schedule;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(IdentityFlow.COUNT_LIST_NAME);
    }

    /** {@code sameOutbox} is the node's legacy outbox, the one this handler holds for the cut-off check as well. */
    @Override
    public void deliver(Delivered message, LegacyOutbox sameOutbox) throws Exception {
        UpdateCountList list = Payloads.read(message.payload(), UpdateCountList.class);
        // Not (yet) known: the list can overtake the note of the update as sent (made once the update sits in
        // the outbound queue, LegacyIntake.queued). Retried, then dead-lettered RETRIES_EXHAUSTED with this detail.
        SentUpdates.Sent update = sent.find(list.updateMessageId()).orElseThrow(() -> new IllegalStateException(
                UNKNOWN_UPDATE + ": update-count list " + message.header().messageId() + " from " + message.header().sender()
                        + " confirms update " + list.updateMessageId() + ", which this node has no note of sending"));
        if (!update.recipient().equals(message.header().sender())) {
            throw new PermanentFailure(WRONG_CONFIRMER, "update-count list " + message.header().messageId() + " from "
                    + message.header().sender() + " confirms update " + list.updateMessageId() + ", which went to "
                    + update.recipient());
        }
        Reconciler.Result result = Reconciler.compare(update, list);
        report(update, result.outcome(), result.detail(), clock.instant());
    }

    /** The cut-off check as of now (the scheduled job, {@code jukibus.identity.check-interval}). */
    public int checkCutoff() throws IOException, TransientFailure {
        return checkCutoff(clock.instant());
    }

    /**
     * Reports MISSING every update sent before the start of the day of the last cut-off passed at
     * {@code asOf} that is still waiting for its update-count list.
     *
     * @return how many were reported now
     */
    public int checkCutoff(Instant asOf) throws IOException, TransientFailure {
        Instant boundary = schedule.confirmedBefore(asOf);
        int raised = 0;
        for (SentUpdates.Sent update : sent.unconfirmedBefore(boundary)) {
            report(update, Outcome.MISSING, "no update-count list from " + update.recipient() + " by the opening of the "
                    + "next operating day after the day the update was sent (" + schedule.dueAt(update.sentAt()) + ")", asOf);
            raised++;
        }
        return raised;
    }

    private void report(SentUpdates.Sent update, Outcome outcome, String detail, Instant now) throws IOException, TransientFailure {
        boolean first = sent.note(update.messageId(), outcome, detail, now);
        ReconciliationReport report = new ReconciliationReport(update.messageId(), update.recipient(), outcome,
                update.recordCount(), update.sentAt().toString(), now.toString(), detail);
        outbox.write(IdentityFlow.RECONCILIATION_FOLDER, update.messageId() + "-" + outcome + ".xml", Payloads.bytes(report));
        if (!first) {
            return; // noted before (a redelivered list): reported again, not alerted twice
        }
        if (outcome == Outcome.OK) {
            log.info("identity update {} to {} reconciled: {}", update.messageId(), update.recipient(), detail);
            return;
        }
        log.warn("identity update {} to {} NOT reconciled ({}): {}", update.messageId(), update.recipient(), outcome, detail);
        audit.record(AuditEvent.of(AuditKind.RECONCILIATION_ALERT).flow(IdentityFlow.UPDATE_NAME)
                .message(update.messageId(), IdentityUpdate.TYPE).recipient(update.recipient())
                .detail(outcome + ": " + detail));
    }
}
