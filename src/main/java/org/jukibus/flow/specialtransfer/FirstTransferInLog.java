package org.jukibus.flow.specialtransfer;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The new municipality's record of the first transfer-in notices it sent (第6の5(3)) and of the
 * transfer-out certificate info that answered them (第6の5(4)), tables
 * {@code first_transfer_in_sent} and {@code certificate_info_received}.
 */
public final class FirstTransferInLog {

    /** A notice this node sent: to which old municipality, about whom (the card holder and the household members asked for). */
    public record Sent(String messageId, String noticeId, String residentCode, String oldMunicipality, List<String> memberCodes) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public FirstTransferInLog(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records a queued notice; again (after a crash) adds nothing. */
    public void sent(String messageId, FirstTransferInNotice notice) {
        jdbc.update("""
                INSERT INTO first_transfer_in_sent (message_id, notice_id, resident_code, old_municipality, queued_at,
                    member_codes)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                messageId, notice.noticeId(), notice.residentCode(), notice.oldMunicipality(), Timestamps.now(clock),
                notice.householdMembers().isEmpty() ? null : notice.householdMembers().stream()
                        .map(FirstTransferInNotice.Member::residentCode).collect(Collectors.joining(",")));
    }

    public Optional<Sent> sent(String messageId) {
        return jdbc.query("SELECT * FROM first_transfer_in_sent WHERE message_id = ?",
                (rs, i) -> new Sent(rs.getString("message_id"), rs.getString("notice_id"), rs.getString("resident_code"),
                        rs.getString("old_municipality"), memberCodes(rs.getString("member_codes"))), messageId)
                .stream().findFirst();
    }

    private static List<String> memberCodes(String column) {
        return column == null ? List.of() : List.of(column.split(","));
    }

    /** Records an answer that arrived; again (a redelivery) adds nothing. */
    public void answered(String answerMessageId, String noticeMessageId, String oldMunicipality, Status status) {
        jdbc.update("""
                INSERT INTO certificate_info_received (message_id, notice_message_id, old_municipality, status, received_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                answerMessageId, noticeMessageId, oldMunicipality, status.name(), Timestamps.now(clock));
    }
}
