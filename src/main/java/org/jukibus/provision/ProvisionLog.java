package org.jukibus.provision;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The provision log (本人確認情報の提供の状況, 第6の8(5)): one row per person per provision (resident code, requester,
 * purpose, items provided, query id, when) in the node's store ({@code provision_log}), for the disclosure of a
 * person's provision history (自己情報の開示), and erased once older than the retention period (第6の8(5)ウ).
 */
public final class ProvisionLog {

    /** The items of identity information (法第30条の5) an answer holds: what the log records as provided. */
    public static final String ITEMS = "ResidentCode,Name,BirthDate,Sex,Address,ChangeReason,ChangeDate";

    private final JdbcTemplate jdbc;

    public ProvisionLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Logs that the person's identity information was provided, or used by the prefecture itself ({@code ownUse},
     * 第6の8(5)ア), inside the provision's store transaction.
     */
    public void record(String residentCode, String requesterId, String purpose, String items, String queryId, Instant at,
                       boolean ownUse) {
        jdbc.update("""
                insert into provision_log (resident_code, requester_id, purpose, items, query_id, provided_at, own_use)
                values (?, ?, ?, ?, ?, ?, ?)""", residentCode, requesterId, purpose, items, queryId, Timestamp.from(at), ownUse);
    }

    /** A person's provision history, oldest first: providedAt, requester, requesterName, purpose, items, queryId, kind (PROVIDED or USED). */
    public List<Map<String, Object>> disclose(String residentCode) {
        return jdbc.query("""
                select l.provided_at, l.requester_id, r.name, l.purpose, l.items, l.query_id, l.own_use
                  from provision_log l left join provision_requester r on r.id = l.requester_id
                 where l.resident_code = ? order by l.provided_at, l.id""", (rs, n) -> Map.<String, Object>of(
                "providedAt", rs.getTimestamp(1).toInstant().toString(),
                "requester", rs.getString(2),
                "requesterName", rs.getString(3) == null ? "" : rs.getString(3),
                "purpose", rs.getString(4),
                "items", rs.getString(5),
                "queryId", rs.getString(6),
                "kind", rs.getBoolean(7) ? "USED" : "PROVIDED"), residentCode);
    }

    /** Erases for good every entry provided before {@code cutoff}, and the queries counted then; returns how many entries. */
    public int eraseBefore(Instant cutoff) {
        jdbc.update("delete from provision_query where queried_at < ?", Timestamp.from(cutoff));
        return jdbc.update("delete from provision_log where provided_at < ?", Timestamp.from(cutoff));
    }
}
