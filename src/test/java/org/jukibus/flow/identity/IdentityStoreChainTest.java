package org.jukibus.flow.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * IdentityStore records an update with set statements (issue 19): a person's record current before the update, and
 * each of the person's records in the update but the last, are superseded and point at their successor; the person's
 * last record is current; a record older than the current one is refused and leaves the chain as it was.
 */
class IdentityStoreChainTest {

    static final Instant T1 = Instant.parse("2026-12-06T09:00:00Z");
    static final Instant T2 = Instant.parse("2026-12-06T10:00:00Z");
    static final String PERSON = "13101600011";
    static final String OTHER = "13104100028";

    static IdentityRecord record(String code, ChangeReason reason, String changeDate, String name) {
        return new IdentityRecord(code, name, null, "1980-01-15", "1", "東京都新宿区西新宿二丁目8番1号", reason, changeDate, "131041");
    }

    @Test
    void records_of_one_person_chain_from_the_current_one_through_the_update_in_item_order() {
        JdbcTemplate jdbc = new JdbcTemplate(TestStores.fresh(NodeRole.CENTRAL));
        IdentityStore store = new IdentityStore(jdbc);
        assertThat(store.record("13", "u1", List.of(
                new IdentityStore.Item(1, record(PERSON, ChangeReason.BIRTH, "2026-11-01", "住基 太郎")),
                new IdentityStore.Item(2, record(OTHER, ChangeReason.BIRTH, "2026-11-01", "住基 次郎"))), T1)).isEmpty();

        List<UpdateCountList.Refusal> refused = store.record("13", "u2", List.of(
                new IdentityStore.Item(1, record(PERSON, ChangeReason.NAME_CHANGE, "2026-11-10", "住基 一郎")),
                new IdentityStore.Item(2, record(OTHER, ChangeReason.NAME_CHANGE, "2026-10-01", "住基 三郎")),
                new IdentityStore.Item(3, record(PERSON, ChangeReason.ADDRESS_CHANGE, "2026-11-20", "住基 一郎"))), T2);

        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.itemNumber()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo(IdentityStore.OUT_OF_ORDER);
        });
        List<Map<String, Object>> person = history(jdbc, PERSON);
        assertThat(person).extracting(r -> r.get("message_id") + "/" + r.get("item_number"))
                .containsExactly("u1/1", "u2/1", "u2/3");
        assertThat(person.get(0).get("superseded_by")).isEqualTo(person.get(1).get("id"));
        assertThat(person.get(1).get("superseded_by")).isEqualTo(person.get(2).get("id"));
        assertThat(person.get(0).get("superseded_at")).isNotNull();
        assertThat(person.get(1).get("superseded_at")).isNotNull();
        assertThat(person.get(2).get("superseded_at")).isNull();
        assertThat(person.get(2).get("superseded_by")).isNull();
        assertThat(person.get(2)).containsEntry("change_reason", "ADDRESS_CHANGE").containsEntry("sender", "13");

        List<Map<String, Object>> other = history(jdbc, OTHER);
        assertThat(other).singleElement().satisfies(r -> {
            assertThat(r.get("superseded_at")).isNull();
            assertThat(r.get("superseded_by")).isNull();
            assertThat(r).containsEntry("name", "住基 次郎");
        });
        assertThat(store.recordsOf("13", "u2")).extracting(IdentityRecord::changeReason)
                .containsExactly(ChangeReason.NAME_CHANGE, ChangeReason.ADDRESS_CHANGE);
    }

    private static List<Map<String, Object>> history(JdbcTemplate jdbc, String code) {
        return jdbc.queryForList("select * from identity_record where resident_code = ? order by id", code);
    }
}
