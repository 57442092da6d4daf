package org.jukibus.flow.identity;

import org.jukibus.store.TestStores;
import org.jukibus.core.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;


import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 14: an identity update's message id is its sender's choice, so at a prefecture and at central (V190) the
 * update-count list ({@code identity_update_received}) and the records an update brought ({@code identity_record})
 * are kept per (message id, sender): two senders with the same id are each recorded and answered on their own.
 */
class ReceivedUpdatesBySenderTest {

    static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    static final String ID = "0b7c7a52-4c1e-8d33-9a5e-1f2e3d4c5b6a";

    static JdbcTemplate database(String role) {
        return new JdbcTemplate(TestStores.fresh(NodeRole.fromId(role)));
    }

    static IdentityRecord record(String residentCode, String municipality) {
        return new IdentityRecord(residentCode, "住基 太郎", null, "1980-01-15", "1", "東京都新宿区西新宿二丁目8番1号",
                ChangeReason.BIRTH, "2026-12-01", municipality);
    }

    static UpdateCountList list(String sender, int received) {
        return new UpdateCountList("130001", sender, ID, received, List.of(new UpdateCountList.Count(ChangeReason.BIRTH, received, 0)),
                List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"prefecture", "central"})
    void two_senders_with_the_same_message_id_are_each_recorded_and_answered_on_their_own(String role) throws Exception {
        JdbcTemplate jdbc = database(role);
        ReceivedUpdates received = new ReceivedUpdates(jdbc);
        IdentityStore store = new IdentityStore(jdbc);
        IdentityRecord shinjuku = record("13101600011", "131041");
        IdentityRecord hachioji = record("13104100028", "132012");

        // the hostile sender uses the id first
        assertThat(store.record("132012", ID, List.of(new IdentityStore.Item(1, hachioji)), T0)).isEmpty();
        received.save(ID, "132012", T0, list("132012", 1), "hostile".getBytes(), null);
        // the other sender's update with the same id is recorded all the same
        assertThat(received.find("131041", ID)).isEmpty();
        assertThat(store.holds("131041", ID)).isFalse();
        assertThat(store.record("131041", ID, List.of(new IdentityStore.Item(1, shinjuku)), T0)).isEmpty();
        received.save(ID, "131041", T0, list("131041", 1), "own".getBytes(), "forward-of-131041");

        assertThat(received.find("131041", ID).orElseThrow().countList()).asString().isEqualTo("own");
        assertThat(received.find("131041", ID).orElseThrow().forwardMessageId()).isEqualTo("forward-of-131041");
        assertThat(received.find("132012", ID).orElseThrow().countList()).asString().isEqualTo("hostile");
        assertThat(store.recordsOf("131041", ID)).containsExactly(shinjuku);
        assertThat(store.recordsOf("132012", ID)).containsExactly(hachioji);
        assertThat(store.holds("131041", ID)).isTrue();
    }
}
