package org.jukibus.flow.nondelivery;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.flow.PurgeCutoff;
import org.jukibus.flow.TransientFailure;
import org.jukibus.xml.XmlRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final word on every message this node sent that is still open two outage windows after it was queued, given at
 * the hourly purge of delivery status before its row can go: no row disappears without one.
 * <ul>
 *   <li>不達(受領通知なし), a message that awaits an answer ({@link NonDeliveryFlow#awaitsAnswer}) and has had none: a
 *   copy waits at most one window and a notice about it another, so no answer is to be expected any more; the legacy
 *   system gets a {@link NonDelivery} file NOT_DELIVERED, reported by this node, reason {@value #UNANSWERED} (the
 *   OVERDUE file it got weeks ago was a warning only), with an operation log entry ({@code MESSAGE_UNANSWERED}), a WARN
 *   and {@code jukibus_flow_unanswered_total{flow}}. Then the row is closed, and forgotten a window after that close: a
 *   receipt its recipient held meanwhile (it could not seal to this node, ReceiptBatches) still makes it DELIVERED and
 *   reaches the legacy system, as after any non-delivery. Whether the message arrived is unknown (its receipt may be
 *   what got lost), so the file's detail says to ask the recipient before sending again. Causes: receipts the
 *   recipient could not send back, a recipient restored from a backup older than the message, a flow switched off at
 *   the recipient.</li>
 *   <li>A message nobody answers by design (an update-count list and transfer-out certificate info, themselves the
 *   answers that confirm an update or a first transfer-in, 第6の6(2)(4); change info; a provision report): its row is
 *   kept only so that a non-delivery notice from its recipient is taken (without it the notice is refused UNSOLICITED and
 *   the legacy system never hears of the failure). No notice in two windows: one is not expected any more (a later one, retried weekly by a recipient that could not tell
 *   this node at first, is dead-lettered UNSOLICITED here), and the legacy system, whose
 *   contract for these flows is "a NonDelivery file on failure, nothing otherwise", has had its word; the row is
 *   forgotten with an operation log entry ({@code MESSAGE_NO_FAILURE_REPORTED}) saying so, not with a file (a NOT_DELIVERED
 *   file would be false for nearly all of them, and any file would be one for every message of the flow).</li>
 * </ul>
 * By the system clock ({@code NodeClock#forForgetting}), and the two windows' cutoff is {@link PurgeCutoff#neverEarly}
 * (kept as {@value #CUTOFF} in {@code purge_cutoff}): while the node runs and the clock is not known synchronised it
 * moves on no faster than monotonic time, so a host clock set more than two windows ahead does not tell every open
 * message, one queued a minute before included, NOT_DELIVERED for good (a receipt after that would find no row): the
 * words come when due by the time that really passed. While the host's time service says the clock is synchronised a
 * lag (a restart, an NTP step forward) is caught up at up to twice that, never past the clock. After a restart it
 * catches up by the time the clock says passed while the node was down (a jump during the down time cannot be told
 * from it).
 * <p>
 * One report refused for its own reason (its recipient or message id no file can be named by, a report the schema
 * refuses: a row no legacy system can be given a file for) does not hold back the others, which are read oldest first:
 * its message is closed all the same, and its word goes aside into the operation log ({@code MESSAGE_UNANSWERED}, the
 * detail saying that no file was made and why) with an ERROR. A file that cannot be written under its one name (held
 * open or read-only on the legacy share) leaves its message open, told next round, and the later ones go on. A failure
 * of the outbox (two files in a row) or of the operation log, which every report would meet, ends the round instead:
 * the messages stay open and are told next round.
 * <p>
 * Crash-safe: file and log entry are made while {@link SentMessages#closeAfter} (or {@link SentMessages#forgetAfter})
 * holds the open row, and the close commits after them. Killed in between, the row is still open, so the next purge
 * writes the same file again (named by recipient and message id: the legacy system sees the same message's report
 * twice, never a second outcome) and records again; it is never lost.
 */
public final class UnansweredMessages {

    /** The reason code of the final report: no receipt or answer ever came. */
    public static final String UNANSWERED = "UNANSWERED";
    /** This purge's name in {@code purge_cutoff}. */
    public static final String CUTOFF = "delivery_status";

    private static final Logger log = LoggerFactory.getLogger(UnansweredMessages.class);
    /** Rows per query; a round takes batches until none is left. */
    private static final int BATCH = 500;

    private final SentMessages sent;
    private final NonDeliveryFiles files;
    private final Clock clock;
    private final FlowMetrics metrics;
    private final OperationLog audit;
    private final PurgeCutoff cutoff;

    /** With a cutoff whose clock is never known synchronised (tests). */
    public UnansweredMessages(SentMessages sent, NonDeliveryFiles files, Clock clock, FlowMetrics metrics, OperationLog audit) {
        this(sent, files, clock, metrics, audit, PurgeCutoff.neverEarly(CUTOFF, () -> false));
    }

    public UnansweredMessages(SentMessages sent, NonDeliveryFiles files, Clock clock, FlowMetrics metrics, OperationLog audit,
                              PurgeCutoff cutoff) {
        this.sent = sent;
        this.files = files;
        this.clock = clock;
        this.metrics = metrics;
        this.audit = audit;
        this.cutoff = cutoff;
    }

    /**
     * The outage-window purge of delivery status ({@code closedBefore} a window and {@code openBefore} two windows before
     * NodeClock#forForgetting): every open message queued before {@code openBefore} gets its final word, then closed
     * messages go ({@link SentMessages#purge}). {@code openBefore} moves on no faster than monotonic time, twice that only
     * while the clock is known synchronised ({@link PurgeCutoff#neverEarly});
     * {@code closedBefore} keeps its distance to it. A final word that cannot be given (the outbox, the operation log)
     * throws after the purge of closed messages ran: its message stays open and is tried again next round.
     */
    public int purge(Instant closedBefore, Instant openBefore) throws SQLException {
        Instant open = sent.cutoff(cutoff, openBefore);
        Instant closed = closedBefore.minus(Duration.between(open, openBefore));
        Exception failed = null;
        try {
            tell(open);
        } catch (Exception e) {
            failed = e; // the rest runs all the same; an open message stays until it had its word
        }
        try {
            forgetUnacknowledged(open);
        } catch (Exception e) {
            failed = failed == null ? e : failed; // a NonDelivery file that cannot be written does not hold these back
        }
        int purged = sent.purge(closed);
        if (failed instanceof SQLException e) {
            throw e;
        }
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException("cannot give unanswered messages their final word: " + failed.getMessage(), failed);
        }
        return purged;
    }

    /**
     * Tells and closes every open message awaiting an answer queued before {@code before}; returns how many. A file
     * that cannot be written under one name (a file the legacy system holds open or made read-only, a folder of that
     * name on its share) leaves that message open and the round goes on; a second in a row is the outbox's, which ends
     * the round. The first such failure is thrown at the end: the messages left open are tried next round.
     */
    public int tell(Instant before) throws Exception {
        return each(sent::unanswered, before, TransientFailure.class::isInstance, message -> {
            Instant now = clock.instant();
            if (!sent.closeAfter(message.messageId(), message.recipient(), before, UNANSWERED, now, open -> finalWord(open, now))) {
                return false;
            }
            metrics.unanswered(message.flow());
            return true;
        });
    }

    /** Records and forgets every open message nobody answers queued before {@code before}; returns how many. */
    public int forgetUnacknowledged(Instant before) throws Exception {
        return each(sent::unacknowledged, before, e -> false,
                message -> sent.forgetAfter(message.messageId(), message.recipient(), before, this::noFailureReported));
    }

    /** One message's final word; true if it was given (false: no longer open). */
    @FunctionalInterface
    private interface End {
        boolean end(SentMessages.Sent message) throws Exception;
    }

    /**
     * Ends every open message {@code query} finds queued before {@code before}, a batch at a time until a batch is not
     * full (an ended message is no longer open, so the next batch holds the next ones); returns how many were ended.
     * A failure {@code ofOne} says may be the message's own leaves it open and the rest go on, unless the message
     * tried just before failed so too (then it is not the message's: thrown at once); the first is thrown at the end.
     */
    private int each(BiFunction<Instant, Integer, List<SentMessages.Sent>> query, Instant before,
                     java.util.function.Predicate<Exception> ofOne, End end) throws Exception {
        int ended = 0;
        java.util.Set<String> left = new java.util.HashSet<>(); // open after a failure of their own: not tried again
        Exception first = null;
        boolean lastFailed = false;
        List<SentMessages.Sent> batch;
        int limit;
        boolean tried;
        do {
            limit = BATCH + left.size(); // the ones left come first again (oldest first): read past them
            batch = query.apply(before, limit);
            tried = false;
            for (SentMessages.Sent message : batch) {
                String key = message.messageId() + " " + message.recipient();
                if (left.contains(key)) {
                    continue;
                }
                tried = true;
                try {
                    if (end.end(message)) {
                        ended++;
                    }
                    lastFailed = false;
                } catch (Exception e) {
                    if (!ofOne.test(e) || lastFailed) {
                        throw e;
                    }
                    log.error("{} message {} to {}: its final word cannot be given now ({}); it stays open, the next ones go on",
                            message.flow(), message.messageId(), message.recipient(), e.getMessage());
                    left.add(key);
                    lastFailed = true;
                    first = first == null ? e : first;
                }
            }
        } while (batch.size() == limit && tried);
        if (first != null) {
            throw first;
        }
        return ended;
    }

    /**
     * Why no file can be named for {@code message} (its recipient or message id: NonDeliveryFiles), or null. Checked
     * here, before anything else can throw the same exception type: only this report's own values and its schema
     * refusal go aside; whatever else fails (a missing schema, the XML mapper, the outbox) would fail every report, so
     * it ends the round with every message open rather than close them all without a file (review-finalword L2).
     */
    private static String refusal(SentMessages.Sent message) {
        try {
            NonDeliveryFiles.fileName(message.recipient(), message.messageId(), false);
            return null;
        } catch (IllegalArgumentException e) {
            return cut(e.getMessage());
        }
    }

    private static String cut(String reason) {
        return reason == null ? "refused" : reason.length() > 300 ? reason.substring(0, 300) + "..." : reason;
    }

    private void noFailureReported(SentMessages.Sent message) {
        audit.record(AuditEvent.of(AuditKind.MESSAGE_NO_FAILURE_REPORTED).flow(message.flow()).message(message.messageId(), null)
                .recipient(message.recipient()).detail("queued at " + message.queuedAt()
                        + ", no non-delivery notice in two outage windows; nobody answers this flow"));
        log.debug("{} message {} to {} (queued at {}): no failure reported in two outage windows; its delivery status is forgotten",
                message.flow(), message.messageId(), message.recipient(), message.queuedAt());
    }

    private void finalWord(SentMessages.Sent message, Instant now) throws Exception {
        Duration waited = Duration.between(message.queuedAt(), now);
        String refused = refusal(message);
        if (refused == null) {
            try {
                files.write(new NonDelivery(message.messageId(), message.flow(), message.recipient(), NonDelivery.NOT_DELIVERED,
                        NonDelivery.BY_SENDER, UNANSWERED, "no receipt or answer came in " + waited.toDays()
                        + " days and none will come now: it may have arrived or not; ask the recipient before sending it again",
                        message.queuedAt().toString(), now.toString()));
            } catch (XmlRejectedException e) {
                if (e.reason() != XmlRejectedException.Reason.SCHEMA_INVALID) {
                    throw e; // not this report's values: every report would meet it, so the round ends
                }
                refused = cut(e.getMessage());
            }
        }
        if (refused != null) {
            audit.record(AuditEvent.of(AuditKind.MESSAGE_UNANSWERED).flow(message.flow()).message(message.messageId(), null)
                    .recipient(message.recipient()).detail("queued at " + message.queuedAt() + ", no answer in " + waited.toDays()
                            + " days: NO FILE MADE, the report was refused: " + refused));
            log.error("{} message {} to {} had no receipt or answer in {} days (queued at {}); its NonDelivery report ({}) was "
                    + "refused, so the legacy system gets no file for it: the message is closed and the word kept in the "
                    + "operation log ({}): {}", message.flow(), message.messageId(), message.recipient(), waited.toDays(),
                    message.queuedAt(), UNANSWERED, AuditKind.MESSAGE_UNANSWERED, refused);
            return;
        }
        audit.record(AuditEvent.of(AuditKind.MESSAGE_UNANSWERED).flow(message.flow()).message(message.messageId(), null)
                .recipient(message.recipient()).detail("queued at " + message.queuedAt() + ", no answer in " + waited.toDays()
                        + " days: reported not delivered"));
        log.warn("{} message {} to {} had no receipt or answer in {} days (queued at {}): reported not delivered ({})",
                message.flow(), message.messageId(), message.recipient(), waited.toDays(), message.queuedAt(), UNANSWERED);
    }
}
