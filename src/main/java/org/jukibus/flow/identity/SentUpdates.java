package org.jukibus.flow.identity;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What this node sent as identity updates, for reconciliation against the receiver's update-count
 * lists (tables {@code identity_update_sent}, {@code identity_update_sent_count},
 * {@code identity_reconciliation}; municipal V121, prefecture V112). Holds counts, never a person.
 */
public final class SentUpdates {

    /** An update as sent: to whom, how many records, how many per change reason, when. */
    public record Sent(String messageId, String recipient, int recordCount, Map<ChangeReason, Integer> counts,
                       Instant sentAt) {
    }

    /** One outcome noted for a sent update. */
    public record Noted(String messageId, Outcome outcome, String detail, Instant checkedAt) {
    }

    private final JdbcTemplate jdbc;

    public SentUpdates(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Notes an update as sent; once per message id (a repeat after a crash adds nothing). */
    public void record(String messageId, String recipient, List<IdentityRecord> records, Instant now) {
        int inserted = jdbc.update("""
                        insert into identity_update_sent (message_id, recipient, record_count, sent_at)
                        values (?, ?, ?, ?) on conflict (message_id) do nothing""",
                messageId, recipient, records.size(), Timestamp.from(now));
        if (inserted == 0) {
            return;
        }
        Map<ChangeReason, Integer> counts = countByReason(records);
        jdbc.batchUpdate("insert into identity_update_sent_count (message_id, change_reason, records) values (?, ?, ?)",
                List.copyOf(counts.entrySet()), counts.size(), (ps, e) -> {
                    ps.setString(1, messageId);
                    ps.setString(2, e.getKey().name());
                    ps.setInt(3, e.getValue());
                });
    }

    public Optional<Sent> find(String messageId) {
        return jdbc.query("select message_id, recipient, record_count, sent_at from identity_update_sent where message_id = ?",
                (rs, i) -> new Sent(rs.getString(1), rs.getString(2), rs.getInt(3), counts(rs.getString(1)),
                        rs.getTimestamp(4).toInstant()), messageId).stream().findFirst();
    }

    /**
     * Notes an outcome, once per update and kind; an update-count list's outcome (OK, MISMATCH) also
     * ends the wait for it.
     *
     * @return false when this outcome was noted before (a redelivered list, a cut-off check run again)
     */
    public boolean note(String messageId, Outcome outcome, String detail, Instant now) {
        int inserted = jdbc.update("""
                        insert into identity_reconciliation (message_id, outcome, detail, checked_at) values (?, ?, ?, ?)
                        on conflict (message_id, outcome) do nothing""",
                messageId, outcome.name(), detail, Timestamp.from(now));
        if (outcome != Outcome.MISSING) {
            jdbc.update("update identity_update_sent set reconciled_at = ? where message_id = ? and reconciled_at is null",
                    Timestamp.from(now), messageId);
        }
        return inserted == 1;
    }

    /** Updates sent before {@code boundary} whose update-count list has not come and that are not yet noted MISSING. */
    public List<Sent> unconfirmedBefore(Instant boundary) {
        return jdbc.query("""
                        select s.message_id, s.recipient, s.record_count, s.sent_at from identity_update_sent s
                         where s.reconciled_at is null and s.sent_at < ?
                           and not exists (select 1 from identity_reconciliation r
                                            where r.message_id = s.message_id and r.outcome = 'MISSING')
                         order by s.sent_at""",
                (rs, i) -> new Sent(rs.getString(1), rs.getString(2), rs.getInt(3), counts(rs.getString(1)),
                        rs.getTimestamp(4).toInstant()), Timestamp.from(boundary));
    }

    /** Every outcome noted, newest first (all updates when {@code messageId} is null). */
    public List<Noted> outcomes(String messageId) {
        String where = messageId == null ? "" : " where message_id = ?";
        Object[] args = messageId == null ? new Object[0] : new Object[] {messageId};
        return jdbc.query("select message_id, outcome, detail, checked_at from identity_reconciliation" + where
                        + " order by id desc",
                (rs, i) -> new Noted(rs.getString(1), Outcome.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getTimestamp(4).toInstant()), args);
    }

    static Map<ChangeReason, Integer> countByReason(List<IdentityRecord> records) {
        Map<ChangeReason, Integer> counts = new EnumMap<>(ChangeReason.class);
        records.forEach(r -> counts.merge(r.changeReason(), 1, Integer::sum));
        return counts;
    }

    private Map<ChangeReason, Integer> counts(String messageId) {
        Map<ChangeReason, Integer> counts = new EnumMap<>(ChangeReason.class);
        jdbc.query("select change_reason, records from identity_update_sent_count where message_id = ?",
                rs -> {
                    counts.put(ChangeReason.valueOf(rs.getString(1)), rs.getInt(2));
                }, messageId);
        return counts;
    }
}
