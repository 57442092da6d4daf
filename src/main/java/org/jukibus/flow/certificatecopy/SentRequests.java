package org.jukibus.flow.certificatecopy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The issuing municipality's record (交付地市町村) of the requests it sent and the replies they got
 * (tables {@code certificate_copy_sent} and {@code certificate_copy_reply_received}, migration V100).
 * A request is PENDING until a reply claims it before its deadline (ANSWERED) or the deadline passes
 * (TIMED_OUT); the deadline splits the two, so a reply and the timeout can never both win.
 */
public final class SentRequests {

    /** Where a request stands. */
    public enum State { PENDING, ANSWERED, TIMED_OUT }

    /** What became of a reply that reached this node. */
    public enum Outcome { ANSWERED, LATE, UNEXPECTED }

    /** One sent request. */
    public record SentRequest(String messageId, String requestId, String homeMunicipality, Instant sentAt,
                              Instant deadline, State state, Instant answeredAt, String replyMessageId, Instant timedOutAt) {
    }

    private static final String COLUMNS = "message_id, request_id, home_municipality, sent_at, answer_deadline, state,"
            + " answered_at, reply_message_id, timed_out_at";

    private final JdbcTemplate jdbc;

    public SentRequests(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a request once it is on its way; a second call for the same message (after a crash) does nothing. */
    public void record(String messageId, String requestId, String homeMunicipality, Instant sentAt, Instant deadline) {
        jdbc.update("INSERT INTO certificate_copy_sent (message_id, request_id, home_municipality, sent_at, answer_deadline, state)"
                        + " VALUES (?, ?, ?, ?, ?, 'PENDING') ON CONFLICT (message_id) DO NOTHING",
                messageId, requestId, homeMunicipality, Timestamp.from(sentAt), Timestamp.from(deadline));
    }

    /** The pending request with this request id, if there is one. */
    public Optional<SentRequest> pending(String requestId) {
        return one("SELECT " + COLUMNS + " FROM certificate_copy_sent WHERE request_id = ? AND state = 'PENDING'", requestId);
    }

    public Optional<SentRequest> byMessageId(String messageId) {
        return one("SELECT " + COLUMNS + " FROM certificate_copy_sent WHERE message_id = ?", messageId);
    }

    /** The {@code limit} requests sent last, newest first: the issuing counter's list to print answers from. */
    public List<SentRequest> recent(int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM certificate_copy_sent ORDER BY sent_at DESC, message_id LIMIT ?",
                SentRequests::row, limit);
    }

    /** Marks the request answered by this reply if it is still pending and its deadline is after {@code now}. */
    public boolean claimAnswer(String messageId, String replyMessageId, Instant now) {
        return jdbc.update("UPDATE certificate_copy_sent SET state = 'ANSWERED', answered_at = ?, reply_message_id = ?"
                        + " WHERE message_id = ? AND state = 'PENDING' AND answer_deadline > ?",
                Timestamp.from(now), replyMessageId, messageId, Timestamp.from(now)) == 1;
    }

    /** Pending requests whose deadline is not after {@code now}, oldest deadline first. */
    public List<SentRequest> overdue(Instant now) {
        return jdbc.query("SELECT " + COLUMNS + " FROM certificate_copy_sent WHERE state = 'PENDING' AND answer_deadline <= ?"
                + " ORDER BY answer_deadline", SentRequests::row, Timestamp.from(now));
    }

    /** Marks an overdue request timed out; false if it was no longer pending. */
    public boolean markTimedOut(String messageId, Instant now) {
        return jdbc.update("UPDATE certificate_copy_sent SET state = 'TIMED_OUT', timed_out_at = ?"
                        + " WHERE message_id = ? AND state = 'PENDING' AND answer_deadline <= ?",
                Timestamp.from(now), messageId, Timestamp.from(now)) == 1;
    }

    /** Records a reply that reached this node and what became of it; once per reply message. */
    public void recordReply(String replyMessageId, String requestMessageId, String requestId, String homeMunicipality,
                            Instant receivedAt, Outcome outcome, String problem) {
        jdbc.update("INSERT INTO certificate_copy_reply_received (message_id, request_message_id, request_id,"
                        + " home_municipality, received_at, outcome, problem) VALUES (?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (message_id, home_municipality) DO NOTHING",
                replyMessageId, requestMessageId, requestId, homeMunicipality, Timestamp.from(receivedAt), outcome.name(), problem);
    }

    /** What became of a reply from {@code homeMunicipality}, if it reached this node. */
    public Optional<Outcome> replyOutcome(String replyMessageId, String homeMunicipality) {
        return jdbc.query("SELECT outcome FROM certificate_copy_reply_received WHERE message_id = ? AND home_municipality = ?",
                (rs, i) -> Outcome.valueOf(rs.getString(1)), replyMessageId, homeMunicipality).stream().findFirst();
    }

    private Optional<SentRequest> one(String sql, Object... args) {
        return jdbc.query(sql, SentRequests::row, args).stream().findFirst();
    }

    private static SentRequest row(ResultSet rs, int i) throws SQLException {
        return new SentRequest(rs.getString("message_id"), rs.getString("request_id"), rs.getString("home_municipality"),
                instant(rs, "sent_at"), instant(rs, "answer_deadline"), State.valueOf(rs.getString("state")),
                instant(rs, "answered_at"), rs.getString("reply_message_id"), instant(rs, "timed_out_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
