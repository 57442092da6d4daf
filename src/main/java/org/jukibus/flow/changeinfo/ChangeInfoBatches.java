package org.jukibus.flow.changeinfo;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.w3c.dom.Document;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * 異動等情報の作成 at central (第6の8(6)): on a timer ({@code routes/central/change-info.yaml}) reads the
 * identity records added since the watermark, makes one {@link ChangeInfo} per batch for every
 * liaison node of the directory, and advances the watermark once they are in the outbound queue.
 *
 * <p>Nothing is lost and nothing sent twice: the batch's end is fixed in the store
 * ({@code pending_to}) before its messages are made, the ids are derived from the batch's range and
 * the recipient, and the watermark advances only after the send. A crash in between makes the same
 * batch with the same ids again, and the brokers drop the copies (duplicate detection on central's outbound
 * queue and on the liaison's inbound queue; the liaison's delivery log would not send it again either).
 *
 * <p>Records are read in commit order, not by id or time: an id is handed out when a record is inserted, so a slow
 * transaction may commit a lower id after a higher one was sent, and a clock moved forward stamps {@code recorded_at}
 * in the future. Each record carries the id of the transaction that inserted it ({@code recorded_xact}, migration
 * central/V250) and whether it still waits to be handed on; only waiting records whose transaction lies below the
 * xmin of the reading statement's snapshot are read (every transaction below it has ended), and each is marked with
 * the batch it went into ({@code change_info_batch}), so it is handed on once whenever its transaction committed.
 * A transaction left open holds change info back, never loses it.
 */
public final class ChangeInfoBatches {

    /** Exchange property: the end of the batch just sent (null when there was none), for {@link #advance}. */
    public static final String BATCH_END = "JukibusChangeInfoBatchEnd";

    private static final Logger log = LoggerFactory.getLogger(ChangeInfoBatches.class);
    private static final XmlMapper XML = new XmlMapper();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final NodeDirectory directory;
    private final OperationLog audit;
    private final int batchSize;
    /** Whether the missing liaison node has been logged (once per episode: the route runs every few seconds). */
    private volatile boolean noLiaison;

    public ChangeInfoBatches(JdbcTemplate jdbc, TransactionTemplate transactions, NodeDirectory directory,
                             OperationLog audit, int batchSize) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.directory = directory;
        this.audit = audit;
        this.batchSize = batchSize;
    }

    /**
     * Seconds since the oldest record that still waits for change info was recorded, 0 when none waits: the gauge
     * {@code jukibus_change_info_waiting_seconds} and the alert JukibusChangeInfoWaiting. Change info can be held back
     * without any failure (a write transaction left open anywhere in the store's PostgreSQL, which {@link #next}
     * must wait for; no liaison node in the directory) and nothing else would show it.
     */
    public double oldestWaitingSeconds(Clock clock) {
        Timestamp oldest = jdbc.queryForObject("select min(recorded_at) from identity_record where waits_for_change_info",
                Timestamp.class);
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), clock.instant()).toSeconds());
    }

    /** A record as the certification authority may see it: the change only; with its id. */
    private record Row(long id, ChangeInfo.Change change) {
    }

    /**
     * A batch of identity records: the changes among them (none if all were births, say), {@code end} the id of its
     * last record (every record of it is marked with it) and {@code after} the end of the batch before. The message
     * ids are made from the two: a record is in one batch only, so no two batches share them.
     */
    record Batch(long after, long end, List<ChangeInfo.Change> changes) {
    }

    private static final String COLUMNS = "id, resident_code, change_reason, name, address, change_date";

    /**
     * The next batch: the pending one if a send was interrupted, otherwise the waiting records whose transactions
     * have all ended, at most {@code batch-size}, in commit order as far as it is known; null when there is nothing new.
     */
    Batch next() {
        return transactions.execute(status -> {
            var mark = jdbc.queryForMap("select last_id, pending_to from change_info_watermark for update");
            long after = ((Number) mark.get("last_id")).longValue();
            Number pending = (Number) mark.get("pending_to");
            if (pending != null) {
                return new Batch(after, pending.longValue(), changes(jdbc.query("select " + COLUMNS + " from identity_record"
                        + " where waits_for_change_info and change_info_batch = ? order by recorded_xact, id",
                        (rs, i) -> row(rs), pending.longValue())));
            }
            // A store restored from a backup into another PostgreSQL carries transaction ids that server has not
            // reached: ended all the same (the backup only has committed rows), so they get this transaction's
            jdbc.update("update identity_record set recorded_xact = pg_current_xact_id() where waits_for_change_info"
                    + " and change_info_batch is null and recorded_xact > pg_current_xact_id()");
            List<Row> rows = jdbc.query("select " + COLUMNS + " from identity_record"
                    + " where waits_for_change_info and change_info_batch is null"
                    + " and recorded_xact < pg_snapshot_xmin(pg_current_snapshot()) order by recorded_xact, id limit ?",
                    (rs, i) -> row(rs), batchSize);
            if (rows.isEmpty()) {
                return null;
            }
            long end = rows.get(rows.size() - 1).id();
            jdbc.batchUpdate("update identity_record set change_info_batch = ? where id = ?",
                    rows.stream().map(r -> new Object[] {end, r.id()}).toList());
            jdbc.update("update change_info_watermark set pending_to = ?", end);
            return new Batch(after, end, changes(rows));
        });
    }

    private static List<ChangeInfo.Change> changes(List<Row> rows) {
        return rows.stream().map(Row::change).filter(Objects::nonNull).toList();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), ChangeInfo.Change.of(rs.getString("resident_code"), rs.getString("change_reason"),
                rs.getString("name"), rs.getString("address"), rs.getDate("change_date").toLocalDate().toString()));
    }

    /**
     * Route step: the body becomes the messages of the next batch, one per liaison node (none when
     * the batch holds no change the authority is told of); the batch's end goes to {@link #BATCH_END}.
     * With no liaison node in the directory nothing is read: the changes wait for one.
     */
    public List<Answer> make(Exchange exchange) throws Exception {
        exchange.setProperty(BATCH_END, null);
        List<NodeEntry> liaisons = directory.withRole(NodeRole.LIAISON);
        if (liaisons.isEmpty()) {
            if (!noLiaison) {
                log.warn("no liaison node in the directory: change info waits until a directory lists one");
                noLiaison = true;
            }
            return List.of();
        }
        if (noLiaison) {
            log.info("a liaison node is in the directory again: the change info that waited goes out");
            noLiaison = false;
        }
        Batch batch = next();
        if (batch == null) {
            return List.of();
        }
        exchange.setProperty(BATCH_END, batch.end());
        if (batch.changes().isEmpty()) {
            return List.of();
        }
        Document payload = SecureXml.parse(XML.writeValueAsBytes(new ChangeInfo(batch.changes())));
        List<Answer> messages = new ArrayList<>();
        for (NodeEntry liaison : liaisons) {
            String id = MessageIds.madeFrom(ChangeInfoFlow.NAME, liaison.code() + "/" + batch.after() + "-" + batch.end());
            messages.add(new Answer(ChangeInfoFlow.FLOW, liaison.code(), id, null, payload));
        }
        return messages;
    }

    /** Route step after the messages are in the outbound queue: records them and advances the watermark. */
    public void advance(Exchange exchange) {
        Long end = exchange.getProperty(BATCH_END, Long.class);
        if (end == null) {
            return;
        }
        for (Message sent : sentMessages(exchange)) {
            audit.record(AuditEvent.of(AuditKind.MESSAGE_QUEUED).flow(ChangeInfoFlow.NAME)
                    .message(sent.getHeader(Headers.MESSAGE_ID, String.class), ChangeInfo.TYPE)
                    .recipient(sent.getHeader(Headers.RECIPIENT, String.class)).digestOf(sent.getBody(byte[].class)));
        }
        transactions.executeWithoutResult(status -> {
            jdbc.update("update identity_record set waits_for_change_info = false where waits_for_change_info"
                    + " and change_info_batch = ?", end);
            jdbc.update("update change_info_watermark set last_id = ?, pending_to = null, advanced_at = now() where pending_to = ?",
                    end, end);
        });
        log.info("change info: the batch ending at identity record {} handed to the liaison node(s)", end);
    }

    @SuppressWarnings("unchecked")
    private static List<Message> sentMessages(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        return body instanceof List<?> list ? (List<Message>) list : List.of();
    }
}
