package org.jukibus.flow.nondelivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;

/**
 * The sender's record of what it sent and what became of it (table {@code delivery_status}, migration
 * V62, keyed by message id and recipient since V63): PENDING from the moment a message is queued (one sealed from a
 * legacy input: from before its send, see flow.SendingStatus), OVERDUE once reported late (still open), closed as
 * DELIVERED by a receipt or answer, or NOT_DELIVERED by a non-delivery notice or this node's own dead
 * letter. Only the recorded recipient can close a message: a hostile peer cannot close another's.
 */
public final class SentMessages {

    /** Where a sent message stands. */
    public enum State { PENDING, OVERDUE, DELIVERED, NOT_DELIVERED }

    /** One sent message. */
    public record Sent(String messageId, String flow, String recipient, Instant queuedAt, boolean awaitsAnswer, State state) {
    }

    private static final String COLUMNS = "message_id, flow, recipient, queued_at, awaits_answer, state";

    private final JdbcTemplate jdbc;

    public SentMessages(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a queued message; queued again (a file picked up after a crash), it keeps its first record. */
    public void record(String messageId, String flow, String recipient, Instant queuedAt, boolean awaitsAnswer) {
        record(messageId, flow, recipient, queuedAt, awaitsAnswer, null);
    }

    /** Records a queued message with the SHA-256 (hex) of its envelope, which its receipt must name. */
    public void record(String messageId, String flow, String recipient, Instant queuedAt, boolean awaitsAnswer,
                       String envelopeDigest) {
        jdbc.execute((ConnectionCallback<Void>) c -> {
            record(c, messageId, flow, recipient, queuedAt, awaitsAnswer, envelopeDigest);
            return null;
        });
    }

    /**
     * As {@link #record(String, String, String, Instant, boolean, String)}, in {@code c}'s transaction (a legacy input's,
     * before its send: flow.SentPayloads#keep). A message recorded before keeps a closed record (a receipt or a
     * final non-delivery), except one closed because its send failed ({@link DeliveryStatus#NOT_SENT}): the same
     * input dropped again after the fix is sent this time and must be tracked again, or a loss would never be reported
     * as overdue. An open record is counted from this send: picked up again hours after a crash before its send, the
     * message would otherwise be reported overdue within a minute of being sent.
     */
    static void record(Connection c, String messageId, String flow, String recipient, Instant queuedAt, boolean awaitsAnswer,
                       String envelopeDigest) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO delivery_status (message_id, flow, recipient, queued_at,"
                + " awaits_answer, state, envelope_sha256) VALUES (?, ?, ?, ?, ?, 'PENDING', ?)"
                + " ON CONFLICT (message_id, recipient) DO UPDATE SET state = 'PENDING', queued_at = EXCLUDED.queued_at,"
                + " envelope_sha256 = EXCLUDED.envelope_sha256, closed_at = NULL, closed_by = NULL, reason = NULL, overdue_at = NULL"
                + " WHERE delivery_status.state = 'PENDING' OR (delivery_status.state = 'NOT_DELIVERED'"
                + " AND delivery_status.reason LIKE '" + DeliveryStatus.NOT_SENT + ":%')")) {
            s.setString(1, messageId);
            s.setString(2, flow);
            s.setString(3, recipient);
            s.setTimestamp(4, Timestamp.from(queuedAt));
            s.setBoolean(5, awaitsAnswer);
            s.setString(6, envelopeDigest);
            s.executeUpdate();
        }
    }

    /** The digest of the envelope sent as {@code messageId} to {@code recipient}, if recorded. */
    public Optional<String> envelopeDigest(String messageId, String recipient) {
        return jdbc.queryForList("SELECT envelope_sha256 FROM delivery_status WHERE message_id = ? AND recipient = ?"
                + " AND envelope_sha256 IS NOT NULL", String.class, messageId, recipient).stream().findFirst();
    }

    /**
     * Whether a receipt from {@code recipient} naming {@code digest} speaks of what this node sent as {@code messageId}:
     * the digest recorded here, or that of any envelope sealed under that id for that recipient (sealed_envelope,
     * flow.SentPayloads: a node killed after the send and before this record seals the picked-up file again, with a
     * new key, and the recipient keeps the first copy). Also true when no digest is recorded (an older record). The
     * recipient is the receipt's verified signer, so no peer can close a message sent to another.
     */
    public boolean sealedAs(String messageId, String recipient, String digest) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT NOT EXISTS (SELECT 1 FROM delivery_status WHERE message_id = ?"
                        + " AND recipient = ? AND envelope_sha256 IS NOT NULL AND envelope_sha256 <> ?)"
                        + " OR EXISTS (SELECT 1 FROM sealed_envelope WHERE message_id = ? AND recipient = ? AND envelope_sha256 = ?)",
                Boolean.class, messageId, recipient, digest, messageId, recipient, digest));
    }

    /**
     * {@link #sealedAs} for several receipts from {@code recipient} (one receipt batch), in one query: of the
     * {@code messageIds}, each naming the digest at the same index of {@code digests}, the ids it is true for.
     */
    public Set<String> sealedAs(List<String> messageIds, String recipient, List<String> digests) {
        Set<String> matching = new HashSet<>();
        jdbc.query("SELECT e.id FROM unnest(?, ?) AS e(id, digest) WHERE NOT EXISTS (SELECT 1 FROM delivery_status d"
                        + " WHERE d.message_id = e.id AND d.recipient = ? AND d.envelope_sha256 IS NOT NULL AND d.envelope_sha256 <> e.digest)"
                        + " OR EXISTS (SELECT 1 FROM sealed_envelope s WHERE s.message_id = e.id AND s.recipient = ? AND s.envelope_sha256 = e.digest)",
                (PreparedStatementSetter) s -> {
                    s.setArray(1, s.getConnection().createArrayOf("text", messageIds.toArray()));
                    s.setArray(2, s.getConnection().createArrayOf("text", digests.toArray()));
                    s.setString(3, recipient);
                    s.setString(4, recipient);
                },
                rs -> {
                    matching.add(rs.getString(1));
                });
        return matching;
    }

    /** {@link #find} for several messages sent to {@code recipient}, in one query: those recorded, by message id. */
    public Map<String, Sent> find(List<String> messageIds, String recipient) {
        Map<String, Sent> found = new HashMap<>();
        jdbc.query("SELECT " + COLUMNS + " FROM delivery_status WHERE recipient = ? AND message_id = ANY (?)",
                (PreparedStatementSetter) s -> {
                    s.setString(1, recipient);
                    s.setArray(2, s.getConnection().createArrayOf("varchar", messageIds.toArray()));
                },
                rs -> {
                    Sent sent = row(rs, 0);
                    found.put(sent.messageId(), sent);
                });
        return found;
    }

    /** The message {@code messageId} sent to {@code recipient}, if recorded. */
    public Optional<Sent> find(String messageId, String recipient) {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_status WHERE message_id = ? AND recipient = ?", SentMessages::row,
                messageId, recipient).stream().findFirst();
    }

    /**
     * Closes an open message sent to {@code from}; false if there is none (never sent, sent elsewhere, or
     * already closed: the first word wins, a receipt after a replay included — see {@link #delivered}).
     */
    public boolean close(String messageId, String from, State state, String closedBy, String reason, Instant at) {
        return jdbc.update("UPDATE delivery_status SET state = ?, closed_at = ?, closed_by = ?, reason = ?"
                        + " WHERE message_id = ? AND recipient = ? AND state IN ('PENDING', 'OVERDUE')",
                state.name(), Timestamp.from(at), closedBy, reason, messageId, from) == 1;
    }

    /** What closed the message sent to {@code recipient} (the id of its receipt or notice), if anything did. */
    public Optional<String> closedBy(String messageId, String recipient) {
        return jdbc.queryForList("SELECT closed_by FROM delivery_status WHERE message_id = ? AND recipient = ?",
                String.class, messageId, recipient).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /**
     * A receipt or answer from {@code from}: DELIVERED, also after a non-delivery notice (the dead letter was
     * replayed at the recipient and went through). False if the message was not sent to {@code from}.
     */
    public boolean delivered(String messageId, String from, String closedBy, Instant at) {
        return jdbc.update("UPDATE delivery_status SET state = 'DELIVERED', closed_at = ?, closed_by = ?, reason = NULL"
                        + " WHERE message_id = ? AND recipient = ? AND state <> 'DELIVERED'",
                Timestamp.from(at), closedBy, messageId, from) == 1;
    }

    /**
     * {@link #delivered} for several messages sent to {@code from} (one receipt batch), in one batch: one round trip and
     * one commit. Returns how many it closed.
     */
    public int deliveredAll(List<String> messageIds, String from, String closedBy, Instant at) {
        Timestamp time = Timestamp.from(at);
        int[][] counts = jdbc.batchUpdate("UPDATE delivery_status SET state = 'DELIVERED', closed_at = ?, closed_by = ?, reason = NULL"
                        + " WHERE message_id = ? AND recipient = ? AND state <> 'DELIVERED'", messageIds, messageIds.size(),
                (s, id) -> {
                    s.setTimestamp(1, time);
                    s.setString(2, closedBy);
                    s.setString(3, id);
                    s.setString(4, from);
                });
        return Arrays.stream(counts).flatMapToInt(Arrays::stream).map(n -> n > 0 ? 1 : 0).sum();
    }

    /** Pending messages awaiting an answer that were queued at or before {@code cutoff}, oldest first. */
    public List<Sent> overdue(Instant cutoff, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_status WHERE state = 'PENDING' AND awaits_answer"
                + " AND queued_at <= ? ORDER BY queued_at LIMIT ?", SentMessages::row, Timestamp.from(cutoff), limit);
    }

    /** Marks a pending message overdue; false if it was no longer pending. */
    public boolean markOverdue(String messageId, String recipient, Instant at) {
        return jdbc.update("UPDATE delivery_status SET state = 'OVERDUE', overdue_at = ? WHERE message_id = ? AND recipient = ?"
                + " AND state = 'PENDING'", Timestamp.from(at), messageId, recipient) == 1;
    }

    /** The latest messages sent, newest first (the counter terminal's status page). */
    public List<Sent> latest(int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_status ORDER BY queued_at DESC LIMIT ?", SentMessages::row, limit);
    }

    /** The message {@code messageId} (exactly that id) as sent to each of its recipients. */
    public List<Sent> find(String messageId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_status WHERE message_id = ? ORDER BY recipient", SentMessages::row,
                messageId);
    }

    /** How many messages of each flow stand in each state. */
    public Map<String, Map<State, Integer>> countsByFlow() {
        Map<String, Map<State, Integer>> counts = new TreeMap<>();
        jdbc.query("SELECT flow, state, count(*) AS n FROM delivery_status GROUP BY flow, state", rs -> {
            counts.computeIfAbsent(rs.getString("flow"), f -> new EnumMap<>(State.class))
                    .put(State.valueOf(rs.getString("state")), rs.getInt("n"));
        });
        return counts;
    }

    /** How many messages are overdue now (open, reported late). */
    public int overdueCount() {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM delivery_status WHERE state = 'OVERDUE'", Integer.class);
        return n == null ? 0 : n;
    }

    /**
     * Open messages that await an answer ({@link NonDeliveryFlow#awaitsAnswer}) queued before {@code before}, oldest
     * first: those {@link #purge} keeps until {@link UnansweredMessages} has told the legacy system their end.
     */
    public List<Sent> unanswered(Instant before, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_status WHERE state IN ('PENDING', 'OVERDUE') AND awaits_answer"
                + " AND queued_at < ? ORDER BY queued_at LIMIT ?", SentMessages::row, Timestamp.from(before), limit);
    }

    /**
     * Open messages that await no answer (count lists, certificate info, change info, provision reports: nobody
     * acknowledges them) queued before {@code before}, oldest first: those {@link #forgetAfter} forgets once their end
     * is recorded.
     */
    public List<Sent> unacknowledged(Instant before, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_status WHERE state IN ('PENDING', 'OVERDUE') AND NOT awaits_answer"
                + " AND queued_at < ? ORDER BY queued_at LIMIT ?", SentMessages::row, Timestamp.from(before), limit);
    }

    /** What {@link #closeAfter} or {@link #forgetAfter} runs while it holds the open message, before the close commits. */
    @FunctionalInterface
    public interface FinalWord {
        void tell(Sent message) throws Exception;
    }

    /**
     * Closes the open message {@code messageId} sent to {@code recipient} as NOT_DELIVERED with {@code reason}, once
     * {@code finalWord} has told it, in one transaction that holds the row meanwhile: a receipt coming in then waits and
     * makes it DELIVERED after (as after any non-delivery), and a crash or a failure before the commit leaves it open, so
     * it is told again next time rather than never. False, with nothing told, if it is no longer open or was queued
     * (again) since {@code queuedBefore}.
     */
    public boolean closeAfter(String messageId, String recipient, Instant queuedBefore, String reason, Instant at,
                              FinalWord finalWord) throws Exception {
        return afterFinalWord(messageId, recipient, queuedBefore, finalWord, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE delivery_status SET state = 'NOT_DELIVERED', closed_at = ?,"
                    + " closed_by = NULL, reason = ? WHERE message_id = ? AND recipient = ?")) {
                s.setTimestamp(1, Timestamp.from(at));
                s.setString(2, reason);
                s.setString(3, messageId);
                s.setString(4, recipient);
                s.executeUpdate();
            }
        });
    }

    /**
     * Forgets the open message {@code messageId} sent to {@code recipient} (one that awaits no answer), once
     * {@code finalWord} has recorded its end, in one transaction that holds the row meanwhile: a non-delivery notice
     * coming in then waits, finds no row and is refused UNSOLICITED (one is not expected this late; an owed notice its
     * recipient could send only after re-keying can be, and is then in the dead-letter queue); a failure before the commit leaves it open, to be recorded and forgotten
     * next time, never gone without a word. False, with nothing recorded, if it is no longer open.
     */
    public boolean forgetAfter(String messageId, String recipient, Instant queuedBefore, FinalWord finalWord) throws Exception {
        return afterFinalWord(messageId, recipient, queuedBefore, finalWord, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM delivery_status WHERE message_id = ? AND recipient = ?")) {
                s.setString(1, messageId);
                s.setString(2, recipient);
                s.executeUpdate();
            }
        });
    }

    /** What ends an open row in the transaction that holds it. */
    @FunctionalInterface
    private interface End {
        void end(Connection c) throws SQLException;
    }

    /**
     * Runs {@code finalWord} and {@code end} on the row if it is still open and still queued before {@code queuedBefore}
     * when locked: a message queued again meanwhile (its input picked up after a crash, {@link #record}) was just sent.
     */
    private boolean afterFinalWord(String messageId, String recipient, Instant queuedBefore, FinalWord finalWord, End end)
            throws Exception {
        try (Connection c = jdbc.getDataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Sent> open;
                try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM delivery_status WHERE message_id = ?"
                        + " AND recipient = ? AND state IN ('PENDING', 'OVERDUE') AND queued_at < ? FOR UPDATE")) {
                    s.setString(1, messageId);
                    s.setString(2, recipient);
                    s.setTimestamp(3, Timestamp.from(queuedBefore));
                    try (ResultSet rs = s.executeQuery()) {
                        open = rs.next() ? Optional.of(row(rs, 0)) : Optional.empty();
                    }
                }
                if (open.isEmpty()) {
                    c.rollback();
                    return false;
                }
                finalWord.tell(open.get());
                end.end(c);
                c.commit();
                return true;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * The cutoff {@code wanted} as {@code cutoff} lets it move on (no faster than time passes), recorded in its own
     * transaction.
     */
    public Instant cutoff(org.jukibus.flow.PurgeCutoff cutoff, Instant wanted) throws SQLException {
        try (Connection c = jdbc.getDataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                Instant next = cutoff.next(c, wanted);
                c.commit();
                return next;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Forgets what became of messages that were closed: one queued before {@code closedBefore} (the outage window ago);
     * one closed {@code UNANSWERED} only a window after that close (by {@code closed_at}): a receipt held at its
     * recipient (ReceiptBatches holds them a window after delivery) may still come and make it DELIVERED, as after any
     * non-delivery. An open message (PENDING, OVERDUE) is never forgotten here: it may still be answered by a
     * non-delivery notice after the window (it arrived just inside it and failed later, and the notice may wait in its
     * recipient's outbound queue for up to another window; forgotten, it would be refused as UNSOLICITED and the legacy
     * system would never get its NonDelivery file), and after two windows {@link UnansweredMessages} gives it its final
     * word first: closed with a NonDelivery file if it awaits an answer ({@link #closeAfter}), forgotten with an
     * operation log entry if nobody answers it ({@link #forgetAfter}). Returns how many rows went.
     */
    public int purge(Instant closedBefore) {
        return jdbc.update("DELETE FROM delivery_status WHERE queued_at < ? AND state NOT IN ('PENDING', 'OVERDUE')"
                        + " AND NOT (state = 'NOT_DELIVERED' AND reason = ? AND closed_at >= ?)",
                Timestamp.from(closedBefore), UnansweredMessages.UNANSWERED, Timestamp.from(closedBefore));
    }

    private static Sent row(ResultSet rs, int i) throws SQLException {
        return new Sent(rs.getString("message_id"), rs.getString("flow"), rs.getString("recipient"),
                rs.getTimestamp("queued_at").toInstant(), rs.getBoolean("awaits_answer"), State.valueOf(rs.getString("state")));
    }
}
