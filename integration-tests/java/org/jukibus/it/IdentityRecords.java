package org.jukibus.it;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The prefecture's identity records and transfer-out notes, read and seeded through the running
 * prefecture node's own DataSource. The identity-update flow (本人確認情報, 第6の6, see IdentityUpdateIT) fills
 * {@code identity_record}; the transfer-out tests seed the records it would have brought.
 */
final class IdentityRecords {

    private IdentityRecords() {
    }

    static JdbcTemplate store(TestNetwork net, String prefecture) {
        return new JdbcTemplate(net.context(prefecture).getBean(DataSource.class));
    }

    /** A current identity record of a person living in {@code municipality}, as the identity-update flow would record it. */
    static void seed(TestNetwork net, String prefecture, String residentCode, String municipality) {
        store(net, prefecture).update("""
                insert into identity_record (resident_code, name, name_kana, birth_date, sex, address, change_reason,
                                             change_date, municipality_code, recorded_at)
                values (?, '住基 太郎', 'ジュウキ タロウ', date '1980-01-15', '1', '旧住所 二丁目2番2号', 'TRANSFER_IN',
                        date '2020-04-01', ?, now())""", residentCode, municipality);
    }

    /**
     * A current identity record with these items, at a prefecture or central (the same table on both); with
     * {@code superseded} the record is history (a newer one replaced it), never provided.
     */
    static void seed(TestNetwork net, String node, String residentCode, String municipality, String name, String birthDate,
                     String sex, String address, boolean superseded) {
        store(net, node).update("""
                insert into identity_record (resident_code, name, name_kana, birth_date, sex, address, change_reason,
                                             change_date, municipality_code, recorded_at, superseded_at)
                values (?, ?, null, cast(? as date), ?, ?, 'TRANSFER_IN', date '2020-04-01', ?, now(),
                        case when ? then now() end)""", residentCode, name, birthDate, sex, address, municipality, superseded);
    }

    /** A current identity record brought by a change ({@code change_reason}) on {@code changeDate}, at a prefecture or central. */
    static void seedChange(TestNetwork net, String node, String residentCode, String changeReason, String name, String address,
                           String changeDate) {
        store(net, node).update("""
                insert into identity_record (resident_code, name, name_kana, birth_date, sex, address, change_reason,
                                             change_date, municipality_code, recorded_at)
                values (?, ?, null, date '1980-01-15', '1', ?, ?, cast(? as date), '131016', now())""",
                residentCode, name, address, changeReason, changeDate);
    }

    /** The transfer-out notes about a person at a prefecture, oldest first. */
    static List<Map<String, Object>> annotations(TestNetwork net, String prefecture, String residentCode) {
        return store(net, prefecture).queryForList("""
                select a.*, r.municipality_code as record_municipality
                  from transfer_out_annotation a join identity_record r on r.id = a.identity_record_id
                 where a.resident_code = ? order by a.recorded_at, a.id""", residentCode);
    }

    /** Every transfer-out note at a prefecture. */
    static int annotationCount(TestNetwork net, String prefecture) {
        Integer n = store(net, prefecture).queryForObject("select count(*) from transfer_out_annotation", Integer.class);
        return n == null ? 0 : n;
    }
}
