package org.jukibus.flow.identity;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The node's identity records (本人確認情報, table {@code identity_record}, with history) written a whole
 * identity update at a time. The caller runs {@link #record} inside one store transaction per update.
 * A batch costs four statements however many records it carries, all by set: one query for the
 * people's current records, one update superseding them (by id), one insert of the update's records
 * (its columns sent as arrays), one update pointing each superseded record at its successor (by id). A person may appear several times in one update
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
        Map<String, Current> current = currentRecords(items);
        Map<String, LocalDate> latest = new HashMap<>();
        current.forEach((code, c) -> latest.put(code, c.changeDate()));
        List<UpdateCountList.Refusal> refusals = new ArrayList<>();
        List<Item> accepted = new ArrayList<>(items.size());
        Map<String, Integer> lastAccepted = new HashMap<>();
        for (Item item : items) {
            IdentityRecord r = item.record();
            LocalDate date = LocalDate.parse(r.changeDate());
            LocalDate before = latest.get(r.residentCode());
            if (before != null && date.isBefore(before)) {
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
        Long[] superseded = accepted.stream().map(i -> current.get(i.record().residentCode())).filter(Objects::nonNull)
                .map(Current::id).distinct().toArray(Long[]::new);
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("update identity_record set superseded_at = ? where id = any (?)");
            ps.setTimestamp(1, at);
            ps.setArray(2, con.createArrayOf("int8", superseded));
            return ps;
        });
        Map<Integer, Long> ids = insert(sender, messageId, accepted, lastAccepted, at);
        linkSuccessors(accepted, current, ids);
        return refusals;
    }

    /**
     * Inserts the accepted items in one statement (the update's columns as arrays, unnested in item order), a
     * person's earlier record in this same update superseded by the later one at once.
     *
     * @return the new records' ids by item number
     */
    private Map<Integer, Long> insert(String sender, String messageId, List<Item> accepted, Map<String, Integer> lastAccepted,
                                      Timestamp at) {
        int n = accepted.size();
        String[][] columns = new String[9][n];
        Integer[] numbers = new Integer[n];
        Boolean[] supersededAtOnce = new Boolean[n];
        for (int i = 0; i < n; i++) {
            IdentityRecord r = accepted.get(i).record();
            String[] values = {r.residentCode(), r.name(), r.nameKana(), r.birthDate(), r.sex(), r.address(),
                    r.changeReason().name(), r.changeDate(), r.municipality()};
            for (int c = 0; c < values.length; c++) {
                columns[c][i] = values[c];
            }
            numbers[i] = accepted.get(i).number();
            supersededAtOnce[i] = lastAccepted.get(r.residentCode()) != i;
        }
        Map<Integer, Long> ids = new HashMap<>(n * 2);
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement("""
                    insert into identity_record (resident_code, name, name_kana, birth_date, sex, address, change_reason,
                        change_date, municipality_code, message_id, item_number, recorded_at, superseded_at, sender)
                    select v.code, v.name, v.kana, v.birth::date, v.sex, v.address, v.reason, v.changed::date, v.municipality,
                           ?, v.item, ?, case when v.superseded then ?::timestamptz end, ?
                      from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                                  ?::varchar[], ?::varchar[], ?::varchar[], ?::int4[], ?::bool[]) with ordinality
                           as v(code, name, kana, birth, sex, address, reason, changed, municipality, item, superseded, n)
                     order by v.n
                    returning item_number, id""");
            ps.setString(1, messageId);
            ps.setTimestamp(2, at);
            ps.setTimestamp(3, at);
            ps.setString(4, sender);
            for (int c = 0; c < columns.length; c++) {
                ps.setArray(5 + c, con.createArrayOf("varchar", columns[c]));
            }
            ps.setArray(14, con.createArrayOf("int4", numbers));
            ps.setArray(15, con.createArrayOf("bool", supersededAtOnce));
            return ps;
        }, rs -> {
            ids.put(rs.getInt(1), rs.getLong(2));
        });
        return ids;
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

    /** Each person's current record (its id and change date), for the people of these items (one query). */
    private Map<String, Current> currentRecords(List<Item> items) {
        String[] codes = items.stream().map(i -> i.record().residentCode()).distinct().toArray(String[]::new);
        Map<String, Current> current = new HashMap<>();
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(
                    "select resident_code, id, change_date from identity_record where superseded_at is null and resident_code = any (?)");
            ps.setArray(1, con.createArrayOf("varchar", codes));
            return ps;
        }, rs -> {
            current.put(rs.getString(1), new Current(rs.getLong(2), rs.getDate(3).toLocalDate()));
        });
        return current;
    }

    /**
     * Points each record this update superseded at its successor, in one statement: the person's record that was
     * current at the person's first new record, each new record but the person's last at the next one.
     */
    private void linkSuccessors(List<Item> accepted, Map<String, Current> current, Map<Integer, Long> ids) {
        Map<String, Long> previous = new HashMap<>();
        current.forEach((code, c) -> previous.put(code, c.id()));
        List<Long> from = new ArrayList<>();
        List<Long> to = new ArrayList<>();
        for (Item item : accepted) {
            Long id = ids.get(item.number());
            Long before = previous.put(item.record().residentCode(), id);
            if (before != null) {
                from.add(before);
                to.add(id);
            }
        }
        if (from.isEmpty()) {
            return;
        }
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("""
                    update identity_record r set superseded_by = v.next
                      from unnest(?::int8[], ?::int8[]) as v(id, next)
                     where r.id = v.id""");
            ps.setArray(1, con.createArrayOf("int8", from.toArray(Long[]::new)));
            ps.setArray(2, con.createArrayOf("int8", to.toArray(Long[]::new)));
            return ps;
        });
    }

    /** A person's current record: its id and change date. */
    private record Current(long id, LocalDate changeDate) {
    }
}
