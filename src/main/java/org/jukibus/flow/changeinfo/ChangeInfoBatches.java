package org.jukibus.flow.changeinfo;

import java.sql.ResultSet;
import java.sql.SQLException;
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
 * <p>Identity record ids are handed out when a record is inserted, not when it commits: a record
 * whose transaction commits after a higher id was read would be skipped. Only records older than
 * {@code jukibus.change-info.settle} are read, which is far longer than the delivery transaction
 * that inserts them.
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
    private final Duration settle;
    /** The node clock, which also stamped {@code recorded_at}: the database's now() is not moved with it. */
    private final java.time.Clock clock;

    public ChangeInfoBatches(JdbcTemplate jdbc, TransactionTemplate transactions, NodeDirectory directory,
                             OperationLog audit, int batchSize, Duration settle, java.time.Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.directory = directory;
        this.audit = audit;
        this.batchSize = batchSize;
        this.settle = settle;
    }

    /** A record as the certification authority may see it: the change only. */
    private record Row(long id, ChangeInfo.Change change) {
    }

    /** A batch of identity records, (after, end], and the changes among them (none if all were births, say). */
    record Batch(long after, long end, List<ChangeInfo.Change> changes) {
    }

    /**
     * The next batch: the pending one if a send was interrupted, otherwise the records after the
     * watermark that have settled, at most {@code batch-size}; null when there is nothing new.
     */
    Batch next() {
        return transactions.execute(status -> {
            var mark = jdbc.queryForMap("select last_id, pending_to from change_info_watermark for update");
            long after = ((Number) mark.get("last_id")).longValue();
            Number pending = (Number) mark.get("pending_to");
            List<Row> rows = pending != null ? rows(after, pending.longValue()) : settledRows(after);
            if (rows.isEmpty()) {
                return null;
            }
            long end = pending != null ? pending.longValue() : rows.get(rows.size() - 1).id();
            jdbc.update("update change_info_watermark set pending_to = ?", end);
            return new Batch(after, end, rows.stream().map(Row::change).filter(Objects::nonNull).toList());
        });
    }

    private List<Row> rows(long after, long end) {
        return jdbc.query("""
                select id, resident_code, change_reason, name, address, change_date from identity_record
                 where id > ? and id <= ? order by id""", (rs, i) -> row(rs), after, end);
    }

    private List<Row> settledRows(long after) {
        return jdbc.query("""
                select id, resident_code, change_reason, name, address, change_date from identity_record
                 where id > ? and id < coalesce((select min(id) from identity_record
                                                  where id > ? and recorded_at > ?),
                                                 9223372036854775807)
                 order by id limit ?""", (rs, i) -> row(rs), after, after,
                java.sql.Timestamp.from(clock.instant().minus(settle)), batchSize);
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
        jdbc.update("update change_info_watermark set last_id = ?, pending_to = null, advanced_at = now() where pending_to = ?",
                end, end);
        log.info("change info: identity records up to id {} handed to the liaison node(s)", end);
    }

    @SuppressWarnings("unchecked")
    private static List<Message> sentMessages(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        return body instanceof List<?> list ? (List<Message>) list : List.of();
    }
}
