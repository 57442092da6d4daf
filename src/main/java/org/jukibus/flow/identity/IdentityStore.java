package org.jukibus.flow.identity;

import java.sql.Array;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The node's identity records (本人確認情報, table {@code identity_record}, with history) written a whole
 * identity update at a time. The caller runs {@link #record} inside one store transaction per update.
 * A batch costs a fixed number of round trips however many records it carries: one query for the
 * people's current records, one batch update to supersede them, one batch insert, one statement
 * linking each superseded record to its successor. A person may appear several times in one update
 * (a birth, then a name change): the records chain in item order.
 */
public final class IdentityStore {

    /** A record of an update and its position in it (from 1). */
    public record Item(int number, IdentityRecord record) {
    }

    /** Refusal reason: the record's change date is before that of the person's current record. */
    public static final String OUT_OF_ORDER = "OUT_OF_ORDER";

    private final JdbcTemplate jdbc;

    public IdentityStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the items of update {@code messageId} from {@code sender} (their item numbers as given; the pair names
     * the update, since the id is the sender's choice and another sender may use it too); each supersedes the
     * person's current record. A record dated before the person's current one cannot supersede it
     * consistently (an older change arriving after a newer one) and is refused.
     *
     * @return the refused items, each with the reason
     */
    public List<UpdateCountList.Refusal> record(String sender, String messageId, List<Item> items, Instant now) {
        Map<String, LocalDate> latest = currentChangeDates(items);
        Set<String> hadCurrent = new LinkedHashSet<>(latest.keySet());
        List<UpdateCountList.Refusal> refusals = new ArrayList<>();
        List<Item> accepted = new ArrayList<>(items.size());
        Map<String, Integer> lastAccepted = new HashMap<>();
        for (Item item : items) {
            IdentityRecord r = item.record();
            LocalDate date = LocalDate.parse(r.changeDate());
            LocalDate current = latest.get(r.residentCode());
            if (current != null && date.isBefore(current)) {
                refusals.add(new UpdateCountList.Refusal(item.number(), r.changeReason(), OUT_OF_ORDER,
                        "its change date is before that of the person's current record: a later change was recorded first"));
                continue;
            }
            latest.put(r.residentCode(), date);
            lastAccepted.put(r.residentCode(), accepted.size());
            accepted.add(item);
        }
        if (accepted.isEmpty()) {
            return refusals;
        }
        Timestamp at = Timestamp.from(now);
        List<String> superseded = accepted.stream().map(i -> i.record().residentCode()).distinct()
                .filter(hadCurrent::contains).toList();
        jdbc.batchUpdate("update identity_record set superseded_at = ? where resident_code = ? and superseded_at is null",
                superseded, superseded.size(), (ps, code) -> {
                    ps.setTimestamp(1, at);
                    ps.setString(2, code);
                });
        jdbc.batchUpdate("""
                insert into identity_record (resident_code, name, name_kana, birth_date, sex, address, change_reason,
                    change_date, municipality_code, message_id, item_number, recorded_at, superseded_at, sender)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                Item item = accepted.get(i);
                IdentityRecord r = item.record();
                ps.setString(1, r.residentCode());
                ps.setString(2, r.name());
                ps.setString(3, r.nameKana());
                ps.setDate(4, Date.valueOf(LocalDate.parse(r.birthDate())));
                ps.setString(5, r.sex());
                ps.setString(6, r.address());
                ps.setString(7, r.changeReason().name());
                ps.setDate(8, Date.valueOf(LocalDate.parse(r.changeDate())));
                ps.setString(9, r.municipality());
                ps.setString(10, messageId);
                ps.setInt(11, item.number());
                ps.setTimestamp(12, at);
                // a person's earlier record in this same update is superseded by the later one at once
                ps.setTimestamp(13, lastAccepted.get(r.residentCode()) == i ? null : at);
                ps.setString(14, sender);
            }

            @Override
            public int getBatchSize() {
                return accepted.size();
            }
        });
        linkSuccessors(accepted.stream().map(i -> i.record().residentCode()).distinct().toList());
        return refusals;
    }

    /** Whether update {@code messageId} from {@code sender} left records here (a municipality's own batch, recorded before). */
    public boolean holds(String sender, String messageId) {
        Boolean found = jdbc.queryForObject("select exists (select 1 from identity_record where message_id = ? and sender = ?)",
                Boolean.class, messageId, sender);
        return Boolean.TRUE.equals(found);
    }

    /** The records update {@code messageId} from {@code sender} brought, in item order. */
    public List<IdentityRecord> recordsOf(String sender, String messageId) {
        return jdbc.query("""
                        select resident_code, name, name_kana, birth_date, sex, address, change_reason, change_date,
                               municipality_code
                          from identity_record where message_id = ? and sender = ? order by item_number""",
                (rs, i) -> new IdentityRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getDate(4).toLocalDate().toString(), rs.getString(5).trim(), rs.getString(6),
                        ChangeReason.valueOf(rs.getString(7)), rs.getDate(8).toLocalDate().toString(), rs.getString(9)),
                messageId, sender);
    }

    /** Change date of each person's current record, for the people of these items (one query). */
    private Map<String, LocalDate> currentChangeDates(List<Item> items) {
        String[] codes = items.stream().map(i -> i.record().residentCode()).distinct().toArray(String[]::new);
        Map<String, LocalDate> dates = new HashMap<>();
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(
                    "select resident_code, change_date from identity_record where superseded_at is null and resident_code = any (?)");
            ps.setArray(1, con.createArrayOf("varchar", codes));
            return ps;
        }, rs -> {
            dates.put(rs.getString(1), rs.getDate(2).toLocalDate());
        });
        return dates;
    }

    /** Points every superseded record of these people that lacks it at its successor (the next record by id). */
    private void linkSuccessors(List<String> residentCodes) {
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("""
                    update identity_record r set superseded_by = c.next_id
                      from (select id, lead(id) over (partition by resident_code order by id) as next_id
                              from identity_record where resident_code = any (?)) c
                     where r.id = c.id and r.superseded_at is not null and r.superseded_by is null
                       and c.next_id is not null""");
            Array codes = con.createArrayOf("varchar", residentCodes.toArray());
            ps.setArray(1, codes);
            return ps;
        });
    }
}
