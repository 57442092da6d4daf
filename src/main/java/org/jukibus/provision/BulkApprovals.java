package org.jukibus.provision;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Approvals of bulk provision (大量のデータの出力に際しては、事前に責任者の承認を得ること, 第4の8(2)カ): who approved
 * that a requester may get up to {@code maxPersons} persons per query for a purpose, from when until when, in the
 * node's store ({@code provision_bulk_approval}). A query for more than one person is answered only under one.
 */
public final class BulkApprovals {

    /** One recorded approval. */
    public record BulkApproval(long id, String requesterId, String purpose, int maxPersons, Instant validFrom,
                               Instant validUntil, String approvedBy, String recordedBy, Instant recordedAt) {
    }

    private final JdbcTemplate jdbc;

    public BulkApprovals(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an approval; returns its id. */
    public long record(String requesterId, String purpose, int maxPersons, Instant validFrom, Instant validUntil,
                       String approvedBy, String recordedBy, Instant at) {
        if (maxPersons < 2) {
            throw new IllegalArgumentException("a bulk approval is for at least 2 persons per query (one person needs none)");
        }
        if (!validUntil.isAfter(validFrom)) {
            throw new IllegalArgumentException("the approval must end after it starts (" + validFrom + " .. " + validUntil + ")");
        }
        if (approvedBy == null || approvedBy.isBlank() || approvedBy.length() > 256) {
            throw new IllegalArgumentException("name the responsible officer who approved (1 to 256 characters)");
        }
        Long id = jdbc.queryForObject("""
                insert into provision_bulk_approval (requester_id, purpose, max_persons, valid_from, valid_until,
                                                     approved_by, recorded_by, recorded_at)
                values (?, ?, ?, ?, ?, ?, ?, ?) returning id""", Long.class, requesterId, purpose, maxPersons,
                Timestamp.from(validFrom), Timestamp.from(validUntil), approvedBy.strip(), recordedBy, Timestamp.from(at));
        return id == null ? -1 : id;
    }

    /** The approval covering {@code persons} persons for the requester and purpose at {@code at}, the widest first. */
    public Optional<BulkApproval> covering(String requesterId, String purpose, int persons, Instant at) {
        return list(requesterId).stream()
                .filter(a -> a.purpose().equals(purpose) && a.maxPersons() >= persons
                        && !at.isBefore(a.validFrom()) && at.isBefore(a.validUntil()))
                .findFirst();
    }

    /** Every approval of a requester (all when null or empty), widest first. */
    public List<BulkApproval> list(String requesterId) {
        boolean all = requesterId == null || requesterId.isBlank();
        return jdbc.query("""
                select id, requester_id, purpose, max_persons, valid_from, valid_until, approved_by, recorded_by, recorded_at
                  from provision_bulk_approval where ? or requester_id = ? order by max_persons desc, id""",
                (rs, n) -> new BulkApproval(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant()), all, all ? "" : requesterId);
    }

    static Map<String, Object> describe(BulkApproval a) {
        return Map.of("id", a.id(), "requester", a.requesterId(), "purpose", a.purpose(), "maxPersons", a.maxPersons(),
                "validFrom", a.validFrom().toString(), "validUntil", a.validUntil().toString(), "approvedBy", a.approvedBy(),
                "recordedBy", a.recordedBy(), "recordedAt", a.recordedAt().toString());
    }
}
