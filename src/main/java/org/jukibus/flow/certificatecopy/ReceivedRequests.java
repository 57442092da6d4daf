package org.jukibus.flow.certificatecopy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The home municipality's record (住所地市町村) of the requests it received (table
 * {@code certificate_copy_received}, migration V100): who asked, for what, and whether it was answered. A request is
 * named by its message id together with the issuing municipality that sent it (V190): the id is the sender's choice.
 */
public final class ReceivedRequests {

    /** One received request and what it asked the copy to show. */
    public record ReceivedRequest(String messageId, String requestId, String issuingMunicipality, Instant receivedAt,
                                  CertificateCopyRequest.CopyItems items, Instant answeredAt, String replyMessageId) {
        public boolean answered() {
            return replyMessageId != null;
        }
    }

    private static final String COLUMNS = "message_id, request_id, issuing_municipality, received_at, scope, household_head,"
            + " resident_code, answered_at, reply_message_id";

    private final JdbcTemplate jdbc;

    public ReceivedRequests(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a delivered request; a second delivery of the same message from the same sender does nothing. */
    public void record(String messageId, String requestId, String issuingMunicipality, Instant receivedAt,
                       CertificateCopyRequest.CopyItems items) {
        jdbc.update("INSERT INTO certificate_copy_received (message_id, request_id, issuing_municipality, received_at,"
                        + " scope, household_head, resident_code) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, issuing_municipality) DO NOTHING",
                messageId, requestId, issuingMunicipality, Timestamp.from(receivedAt), items.scope(),
                items.householdHeadAndRelationship(), items.residentCode());
    }

    /** Every request with this id from this municipality, newest first. */
    public List<ReceivedRequest> of(String issuingMunicipality, String requestId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM certificate_copy_received"
                        + " WHERE issuing_municipality = ? AND request_id = ? ORDER BY received_at DESC, message_id",
                ReceivedRequests::row, issuingMunicipality, requestId);
    }

    /** The requests not answered yet, oldest first: the home municipality's review queue (第6の4(3)). */
    public List<ReceivedRequest> open() {
        return jdbc.query("SELECT " + COLUMNS + " FROM certificate_copy_received WHERE reply_message_id IS NULL"
                + " ORDER BY received_at, message_id", ReceivedRequests::row);
    }

    /** The request {@code messageId} from {@code issuingMunicipality}, if this node received it. */
    public Optional<ReceivedRequest> byMessage(String issuingMunicipality, String messageId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM certificate_copy_received WHERE issuing_municipality = ? AND message_id = ?",
                ReceivedRequests::row, issuingMunicipality, messageId).stream().findFirst();
    }

    /** Marks the request {@code requestMessageId} from {@code issuingMunicipality} answered by this reply, unless it already was. */
    public boolean markAnswered(String issuingMunicipality, String requestMessageId, String replyMessageId, Instant now) {
        return jdbc.update("UPDATE certificate_copy_received SET answered_at = ?, reply_message_id = ?"
                + " WHERE message_id = ? AND issuing_municipality = ? AND reply_message_id IS NULL", Timestamp.from(now),
                replyMessageId, requestMessageId, issuingMunicipality) == 1;
    }

    private static ReceivedRequest row(ResultSet rs, int i) throws SQLException {
        return new ReceivedRequest(rs.getString("message_id"), rs.getString("request_id"), rs.getString("issuing_municipality"),
                SentRequests.instant(rs, "received_at"),
                new CertificateCopyRequest.CopyItems(rs.getString("scope"), rs.getBoolean("household_head"), rs.getBoolean("resident_code")),
                SentRequests.instant(rs, "answered_at"), rs.getString("reply_message_id"));
    }
}
