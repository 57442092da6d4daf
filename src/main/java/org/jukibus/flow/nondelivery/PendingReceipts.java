package org.jukibus.flow.nondelivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The receipts this node owes (table {@code pending_receipt}, migration {@code common/V95}): one row per delivered
 * message that wants a receipt, written before the delivery's broker transaction commits and deleted once its batch is
 * in the outbound queue. A crash in between leaves the row, so the receipt still goes out.
 */
public final class PendingReceipts {

    /** A receipt owed to {@code sender} for its message {@code messageId}. */
    public record Pending(String sender, String messageId, String envelopeDigest, Instant receivedAt) {
    }

    private final JdbcTemplate jdbc;

    public PendingReceipts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a receipt owed; a second call for the same message (a redelivery) changes nothing. */
    public void add(Pending pending) {
        jdbc.update("INSERT INTO pending_receipt (sender, message_id, envelope_sha256, received_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (sender, message_id) DO NOTHING",
                pending.sender(), pending.messageId(), pending.envelopeDigest(), Timestamp.from(pending.receivedAt()));
    }

    /** At most {@code limit} receipts owed, oldest first. */
    public List<Pending> oldest(int limit) {
        return jdbc.query("SELECT sender, message_id, envelope_sha256, received_at FROM pending_receipt"
                        + " ORDER BY received_at, sender, message_id LIMIT ?",
                (rs, i) -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()),
                limit);
    }

    /** Forgets receipts that are now in the outbound queue. */
    public void remove(List<Pending> sent) {
        jdbc.batchUpdate("DELETE FROM pending_receipt WHERE sender = ? AND message_id = ?",
                sent.stream().map(p -> new Object[] {p.sender(), p.messageId()}).toList());
    }
}
