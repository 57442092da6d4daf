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
        return oldest(limit, java.util.Set.of());
    }

    /** At most {@code limit} receipts owed to others than {@code except}, oldest first. */
    public List<Pending> oldest(int limit, java.util.Set<String> except) {
        return jdbc.query("SELECT sender, message_id, envelope_sha256, received_at FROM pending_receipt"
                        + " WHERE NOT (sender = ANY (?)) ORDER BY received_at, sender, message_id LIMIT ?",
                (org.springframework.jdbc.core.PreparedStatementSetter) s -> {
                    s.setArray(1, s.getConnection().createArrayOf("varchar", except.toArray()));
                    s.setInt(2, limit);
                },
                (rs, i) -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
    }

    /**
     * Bounds what is held for {@code sender} while nothing can be sealed to it: forgets its receipts owed since before
     * {@code before} and all but its newest {@code keep}. Returns how many went.
     */
    public int forget(String sender, Instant before, int keep) {
        return jdbc.update("DELETE FROM pending_receipt WHERE sender = ? AND (received_at < ? OR message_id NOT IN"
                        + " (SELECT message_id FROM pending_receipt WHERE sender = ? ORDER BY received_at DESC, message_id DESC LIMIT ?))",
                sender, Timestamp.from(before), sender, keep);
    }

    /** Forgets receipts that are now in the outbound queue. */
    public void remove(List<Pending> sent) {
        jdbc.batchUpdate("DELETE FROM pending_receipt WHERE sender = ? AND message_id = ?",
                sent.stream().map(p -> new Object[] {p.sender(), p.messageId()}).toList());
    }
}
