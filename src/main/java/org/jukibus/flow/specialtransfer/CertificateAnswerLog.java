package org.jukibus.flow.specialtransfer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The old municipality's record of every transfer-out certificate info it sent (第6の5(4)), table
 * {@code certificate_info_answer}: to whom, when, under which message id, with which registration.
 * One answer per first transfer-in notice: the first one recorded is the answer for good, so a
 * redelivered notice gets exactly the same answer again. A notice is named by its message id together with
 * its verified sender (the new municipality, V190): the id is the sender's choice, so another municipality
 * that used the same id first neither takes nor blocks this one's answer.
 */
public final class CertificateAnswerLog {

    /**
     * One answer.
     *
     * @param certificateId the registration sent (FOUND), else null
     */
    public record Entry(String answerMessageId, String noticeMessageId, String noticeId, String newMunicipality,
                        String residentCode, Status status, Long certificateId, List<String> mismatchedItems,
                        Instant answeredAt) {
    }

    private final JdbcTemplate jdbc;

    public CertificateAnswerLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The answer recorded for the notice {@code noticeMessageId} from {@code newMunicipality}, if any. */
    public Optional<Entry> forNotice(String newMunicipality, String noticeMessageId) {
        return jdbc.query("SELECT * FROM certificate_info_answer WHERE notice_message_id = ? AND new_municipality = ?",
                CertificateAnswerLog::entry, noticeMessageId, newMunicipality).stream().findFirst();
    }

    /** Records an answer unless one is recorded for its notice already; returns the one recorded. */
    public Entry recordOnce(Entry e) {
        jdbc.update("""
                INSERT INTO certificate_info_answer (answer_message_id, notice_message_id, notice_id, new_municipality,
                    resident_code, status, certificate_id, mismatched_items, answered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                e.answerMessageId(), e.noticeMessageId(), e.noticeId(), e.newMunicipality(), e.residentCode(),
                e.status().name(), e.certificateId(), e.mismatchedItems().isEmpty() ? null : String.join(",", e.mismatchedItems()),
                OffsetDateTime.ofInstant(e.answeredAt(), ZoneOffset.UTC));
        return forNotice(e.newMunicipality(), e.noticeMessageId()).orElseThrow();
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        String items = rs.getString("mismatched_items");
        long certificateId = rs.getLong("certificate_id");
        return new Entry(rs.getString("answer_message_id"), rs.getString("notice_message_id"), rs.getString("notice_id"),
                rs.getString("new_municipality"), rs.getString("resident_code"), Status.valueOf(rs.getString("status")),
                rs.wasNull() ? null : certificateId, items == null ? List.of() : Arrays.asList(items.split(",")),
                Timestamps.read(rs, "answered_at"));
    }
}
