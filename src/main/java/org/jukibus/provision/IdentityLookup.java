package org.jukibus.provision;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the current identity records ({@code identity_record} rows with {@code superseded_at} null, filled by the
 * identity-information flow, 第6の6) that match one limited condition exactly. Never a pattern, never a range:
 * every comparison is an equality on a bound parameter.
 */
public final class IdentityLookup {

    /** The items of one current record that a provision hands out (法第30条の5). */
    public record Provided(String residentCode, String name, LocalDate birthDate, String sex, String address,
                           String changeReason, LocalDate changeDate) {
    }

    private static final String COLUMNS = """
            select resident_code, name, birth_date, sex, address, change_reason, change_date
              from identity_record where superseded_at is null""";

    private final JdbcTemplate jdbc;

    public IdentityLookup(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The current records matching the condition, by resident code. */
    public List<Provided> matching(IdentityQuery.Condition condition) {
        if (condition instanceof IdentityQuery.ByResidentCode c) {
            return jdbc.query(COLUMNS + " and resident_code = ?", (rs, n) -> row(rs), c.residentCode());
        }
        IdentityQuery.ByNameAndBirthDate c = (IdentityQuery.ByNameAndBirthDate) condition;
        StringBuilder sql = new StringBuilder(COLUMNS).append(" and name = ? and birth_date = ?");
        List<Object> args = new ArrayList<>(List.of(c.name(), Date.valueOf(c.birthDate())));
        if (c.sex() != null) {
            sql.append(" and sex = ?");
            args.add(c.sex());
        }
        if (c.address() != null) {
            sql.append(" and address = ?");
            args.add(c.address());
        }
        sql.append(" order by resident_code");
        return jdbc.query(sql.toString(), (rs, n) -> row(rs), args.toArray());
    }

    private static Provided row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Provided(rs.getString(1), rs.getString(2), rs.getDate(3).toLocalDate(), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getDate(7).toLocalDate());
    }
}
