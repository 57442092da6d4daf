package org.jukibus.provision;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Central's report to a delegating prefecture of what central provided about that prefecture's residents
 * (本人確認情報の提供の状況の報告, 第6の8(5)イ): every provision-log entry in a period for a person whose identity
 * record at central lies in one of the prefecture's municipalities, so that the prefecture can answer its residents'
 * disclosure requests. Made on demand ({@code jukibus provision report}) as a CSV file in central's legacy outbox,
 * {@code legacy/outbox/provision-report/}, handed to the prefecture by the means agreed with it.
 */
public final class ProvisionReport {

    /** The outbox folder the reports land in. */
    public static final String FOLDER = "provision-report";
    private static final Pattern PREFECTURE = Pattern.compile("[0-9]{2}");
    private static final String HEADER = "provided_at,resident_code,municipality,requester,requester_name,purpose,items,query_id";

    private final JdbcTemplate jdbc;

    public ProvisionReport(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The entries provided in [from, to) about residents of the prefecture, oldest first. */
    public List<Map<String, Object>> entries(String prefecture, Instant from, Instant to) {
        if (prefecture == null || !PREFECTURE.matcher(prefecture).matches()) {
            throw new IllegalArgumentException("a prefecture is its 2-digit code (13 for Tokyo), not '" + prefecture + "'");
        }
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the period ends (" + to + ") before it starts (" + from + ")");
        }
        // the municipality of the person's latest record at central: who the person was a resident of when asked about
        return jdbc.query("""
                select l.provided_at, l.resident_code, m.municipality_code, l.requester_id, r.name, l.purpose, l.items, l.query_id
                  from provision_log l
                  join lateral (select municipality_code from identity_record i where i.resident_code = l.resident_code
                                 order by i.recorded_at desc, i.id desc limit 1) m on true
                  left join provision_requester r on r.id = l.requester_id
                 where m.municipality_code like ? and l.provided_at >= ? and l.provided_at < ?
                 order by l.provided_at, l.id""", (rs, n) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("providedAt", rs.getTimestamp(1).toInstant().toString());
            e.put("residentCode", rs.getString(2));
            e.put("municipality", rs.getString(3));
            e.put("requester", rs.getString(4));
            e.put("requesterName", rs.getString(5) == null ? "" : rs.getString(5));
            e.put("purpose", rs.getString(6));
            e.put("items", rs.getString(7));
            e.put("queryId", rs.getString(8));
            return e;
        }, prefecture + "%", Timestamp.from(from), Timestamp.from(to));
    }

    /** The report file's name: {@code provision-report-<prefecture>-<from>-<to>.csv}, instants without colons. */
    public static String fileName(String prefecture, Instant from, Instant to) {
        return "provision-report-" + prefecture + "-" + from.toString().replace(":", "") + "-" + to.toString().replace(":", "") + ".csv";
    }

    /** The entries as CSV (UTF-8, a header line; a field with a comma or quote is quoted). */
    public static byte[] csv(List<Map<String, Object>> entries) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Map<String, Object> e : entries) {
            out.append(String.join(",", e.values().stream().map(v -> quote(String.valueOf(v))).toList())).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
