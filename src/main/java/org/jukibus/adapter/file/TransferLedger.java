package org.jukibus.adapter.file;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The ledger of media transfers (媒体による受け渡しの確認, standard 第4の6(2)ア): every file the node
 * picks up from a legacy drop folder and every file it writes into a legacy outbox, with its size,
 * SHA-256, message id and outcome, in the node's store. It is also what makes pick-up idempotent:
 * content that was queued once is refused as a duplicate when dropped again, even after the
 * brokers have forgotten its id.
 */
public final class TransferLedger {

    /** What became of a file. */
    public enum Outcome {
        /** picked up, sealed and in the outbound queue */
        QUEUED,
        /** picked up and handled on this node (a registration, a counter query) */
        HANDLED,
        /** picked up again after it was queued once: not sent a second time */
        DUPLICATE,
        /** picked up and refused, or received and kept undelivered; the file and its .error report are in legacy/error/ */
        REJECTED,
        /** written into a legacy outbox */
        DELIVERED
    }

    /** One line of the ledger. */
    public record Entry(long id, Instant recordedAt, String flow, String fileName, String sha256, int bytes,
                        Outcome outcome, String messageId, String peer, String detail) {
    }

    private static final RowMapper<Entry> ENTRY = (rs, n) -> new Entry(rs.getLong("id"),
            rs.getTimestamp("recorded_at").toInstant(), rs.getString("flow"), rs.getString("file_name"),
            rs.getString("sha256"), rs.getInt("bytes"), Outcome.valueOf(rs.getString("outcome")),
            rs.getString("message_id"), rs.getString("peer"), rs.getString("detail"));
    private static final int MAX_DETAIL = 1000;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public TransferLedger(DataSource store, Clock clock) {
        this.jdbc = new JdbcTemplate(store);
        this.clock = clock;
    }

    /**
     * The earlier pick-up that queued a message of {@code flow} with this business key's digest ({@link #keyDigest}), the
     * first if several; else the one that queued {@code messageId} (lines written before business keys were recorded
     * have none); else none. One query: it runs for every file picked up.
     */
    public Optional<Entry> queuedEarlier(String flow, String businessKey, String messageId) {
        return jdbc.query("""
                select * from transfer_ledger where outcome = 'QUEUED' and ((flow = ? and business_key = ?) or message_id = ?)
                order by case when flow = ? and business_key = ? then 0 else 1 end, id limit 1""",
                ENTRY, flow, businessKey, messageId, flow, businessKey).stream().findFirst();
    }

    /** Records a file that was sealed and queued, under its message id and its business key's digest ({@link #keyDigest}). */
    public void recordQueued(String flow, String fileName, byte[] content, String messageId, String peer, String businessKey) {
        recordQueued(flow, fileName, content, messageId, peer, businessKey, null);
    }

    /** As {@link #recordQueued(String, String, byte[], String, String, String)}, saying why ({@code detail}). */
    public void recordQueued(String flow, String fileName, byte[] content, String messageId, String peer, String businessKey,
                             String detail) {
        insert(flow, fileName, content, Outcome.QUEUED, messageId, peer, detail, businessKey);
    }

    /** What the ledger keeps of a business key: its digest with the flow's name (a key may hold a resident code). */
    public static String keyDigest(String flow, String businessKey) {
        return sha256((flow + "\n" + businessKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Records a file of the legacy system. A second QUEUED line for the same message (the file
     * picked up again after a crash before it was moved) is not added.
     */
    public void record(String flow, String fileName, byte[] content, Outcome outcome, String messageId, String peer,
                       String detail) {
        insert(flow, fileName, content, outcome, messageId, peer, detail, null);
    }

    /** A file written into a legacy outbox that stands for message {@code messageId}. */
    public record Delivery(String fileName, byte[] content, String messageId) {
    }

    /**
     * Files written into a legacy outbox together for {@code peer} (the receipts of one receipt batch), recorded as
     * {@link Outcome#DELIVERED} in one batch: one round trip to the store and one commit for all of them.
     */
    public void recordDelivered(String flow, String peer, List<Delivery> files) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate(INSERT, files.stream().map(f -> new Object[] {now, flow, f.fileName(), sha256(f.content()),
                f.content().length, Outcome.DELIVERED.name(), f.messageId(), peer, null, null}).toList());
    }

    /** Of the files standing for {@code messageIds}, those delivered before for {@code peer}, by file name. */
    public Set<String> deliveredFiles(String flow, String peer, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.query(c -> {
            var s = c.prepareStatement("select file_name from transfer_ledger where message_id = any(?) and flow = ?"
                    + " and peer = ? and outcome = 'DELIVERED'");
            s.setArray(1, c.createArrayOf("varchar", messageIds.toArray()));
            s.setString(2, flow);
            s.setString(3, peer);
            return s;
        }, (rs, i) -> rs.getString(1)));
    }

    private static final String INSERT = """
            insert into transfer_ledger (recorded_at, flow, file_name, sha256, bytes, outcome, message_id, peer, detail,
                business_key)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing""";

    private void insert(String flow, String fileName, byte[] content, Outcome outcome, String messageId, String peer,
                        String detail, String businessKey) {
        String clipped = detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…";
        jdbc.update(INSERT, Timestamp.from(clock.instant()), flow, fileName, sha256(content), content.length, outcome.name(),
                messageId, peer, clipped, businessKey);
    }

    /** The ledger of one day (UTC), optionally of one flow, oldest first. */
    public List<Entry> day(LocalDate day, String flow) {
        Timestamp from = Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        Timestamp to = Timestamp.from(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        if (flow == null || flow.isEmpty()) {
            return jdbc.query("select * from transfer_ledger where recorded_at >= ? and recorded_at < ? order by id",
                    ENTRY, from, to);
        }
        return jdbc.query("select * from transfer_ledger where recorded_at >= ? and recorded_at < ? and flow = ? order by id",
                ENTRY, from, to, flow);
    }

    /** The latest messages of {@code flow} delivered into the legacy outbox (received from other nodes), newest first. */
    public List<Entry> delivered(String flow, int limit) {
        return jdbc.query("select * from transfer_ledger where flow = ? and outcome = 'DELIVERED' and message_id is not null"
                + " order by id desc limit ?", ENTRY, flow, limit);
    }

    /** Every line about message {@code messageId} (exactly that id), oldest first. */
    public List<Entry> ofMessage(String messageId) {
        return jdbc.query("select * from transfer_ledger where message_id = ? order by id", ENTRY, messageId);
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
