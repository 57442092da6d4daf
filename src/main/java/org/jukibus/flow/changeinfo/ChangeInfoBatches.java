package org.jukibus.flow.changeinfo;

import java.sql.ResultSet;
import java.sql.SQLException;
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
 * central/V250); only records whose transaction lies below the xmin of the reading statement's snapshot are read
 * (every transaction below it has ended, so none can still add a record there), in (recorded_xact, id) order after the
 * watermark, which is the last such pair sent. A transaction left open holds change info back, never loses it.
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

    public ChangeInfoBatches(JdbcTemplate jdbc, TransactionTemplate transactions, NodeDirectory directory,
                             OperationLog audit, int batchSize) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.directory = directory;
        this.audit = audit;
        this.batchSize = batchSize;
    }

    /** A record as the certification authority may see it: the change only; with its place in commit order. */
    private record Row(String xact, long id, ChangeInfo.Change change) {
    }

    /**
     * A batch of identity records, after the record with id {@code after} and up to the one with id {@code end} in
     * commit order, and the changes among them (none if all were births, say). The message ids are made from the two
     * ids: a record ends at most one batch, so no two batches share them.
     */
    record Batch(long after, long end, List<ChangeInfo.Change> changes) {
    }

    private static final String COLUMNS = "recorded_xact::text as xact, id, resident_code, change_reason, name, address, change_date";

    /**
     * The next batch: the pending one if a send was interrupted, otherwise the records after the
     * watermark whose transactions have all ended, at most {@code batch-size}; null when there is nothing new.
     */
    Batch next() {
        return transactions.execute(status -> {
            var mark = jdbc.queryForMap("""
                    select last_xact::text as last_xact, last_id, pending_xact::text as pending_xact, pending_to
                      from change_info_watermark for update""");
            String afterXact = (String) mark.get("last_xact");
            long after = ((Number) mark.get("last_id")).longValue();
            Number pending = (Number) mark.get("pending_to");
            List<Row> rows = pending != null
                    ? rows(afterXact, after, (String) mark.get("pending_xact"), pending.longValue())
                    : endedRows(afterXact, after);
            if (rows.isEmpty()) {
                return null;
            }
            Row last = rows.get(rows.size() - 1);
            if (pending == null) {
                jdbc.update("update change_info_watermark set pending_xact = ?::xid8, pending_to = ?", last.xact(), last.id());
            }
            return new Batch(after, last.id(), rows.stream().map(Row::change).filter(Objects::nonNull).toList());
        });
    }

    private List<Row> rows(String afterXact, long after, String endXact, long end) {
        return jdbc.query("select " + COLUMNS + " from identity_record"
                + " where (recorded_xact, id) > (?::xid8, ?) and (recorded_xact, id) <= (?::xid8, ?)"
                + " order by recorded_xact, id", (rs, i) -> row(rs), afterXact, after, endXact, end);
    }

    /** The records after the watermark whose inserting transactions have all ended: none can appear before them. */
    private List<Row> endedRows(String afterXact, long after) {
        return jdbc.query("select " + COLUMNS + " from identity_record"
                + " where (recorded_xact, id) > (?::xid8, ?) and recorded_xact < pg_snapshot_xmin(pg_current_snapshot())"
                + " order by recorded_xact, id limit ?", (rs, i) -> row(rs), afterXact, after, batchSize);
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("xact"), rs.getLong("id"), ChangeInfo.Change.of(rs.getString("resident_code"),
                rs.getString("change_reason"), rs.getString("name"), rs.getString("address"),
                rs.getDate("change_date").toLocalDate().toString()));
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
            log.debug("no liaison node in the directory: change info waits");
            return List.of();
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
        jdbc.update("""
                update change_info_watermark set last_xact = pending_xact, last_id = pending_to, pending_xact = null,
                       pending_to = null, advanced_at = now() where pending_to = ?""", end);
        log.info("change info: identity records up to id {} (in commit order) handed to the liaison node(s)", end);
    }

    @SuppressWarnings("unchecked")
    private static List<Message> sentMessages(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        return body instanceof List<?> list ? (List<Message>) list : List.of();
    }
}
