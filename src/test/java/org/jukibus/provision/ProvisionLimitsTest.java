package org.jukibus.provision;

import org.jukibus.store.TestStores;
import org.jukibus.core.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.jukibus.audit.AuditEvent;
import org.jukibus.clock.NodeClock;
import org.jukibus.pki.RequesterIdentity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Per-requester provision limits (第4の8(2)カ), the log of the prefecture's own use (第6の8(5)ア) and central's report
 * to a prefecture (第6の8(5)イ), on central's real store schema (the provision tables are the prefecture's too): the
 * (N+1)th query in the window is refused with the reason, and the report lists what was provided.
 */
class ProvisionLimitsTest {

    static final Instant START = Instant.parse("2027-04-01T01:00:00Z");
    /** Residents of Shinjuku (13) and one of Osaka (27), valid check digits. */
    static final List<String> TOKYO = List.of("10000000014", "10000000022", "10000000030", "10000000049");
    static final String OSAKA = "20000000010";

    DataSource store;
    JdbcTemplate jdbc;
    NodeClock clock;
    final List<AuditEvent> audit = new ArrayList<>();
    final RequesterIdentity nenkin = new RequesterIdentity("nenkin", "日本年金機構");

    @BeforeEach
    void centralStore() throws Exception {
        store = TestStores.fresh(NodeRole.CENTRAL);
        jdbc = new JdbcTemplate(store);
        clock = new NodeClock(Clock.fixed(START, ZoneOffset.UTC), Duration.ZERO);
        for (String code : TOKYO) {
            person(code, "131041");
        }
        person(OSAKA, "271004");
        new Requesters(jdbc).register(nenkin, Set.of("pension"), "operator:yamada", START);
    }

    @Test
    void the_query_over_the_per_minute_limit_is_refused_with_the_reason_and_counts_again_a_minute_later() throws Exception {
        IdentityProvision provision = provision(3, 0);
        for (int i = 1; i <= 3; i++) {
            assertThat(provision.provide(nenkin, query("q" + i, TOKYO.get(0))).personsProvided()).isEqualTo(1);
        }

        assertThatThrownBy(() -> provision.provide(nenkin, query("q4", TOKYO.get(1)))).isInstanceOf(ProvisionRefused.class)
                .hasMessage("requester nenkin made 3 queries in the last minute: the limit is 3 a minute "
                        + "(jukibus.provision.limits.per-minute); try again later")
                .extracting(e -> ((ProvisionRefused) e).error()).isEqualTo(ProvisionError.LIMIT_EXCEEDED);
        assertThat(ProvisionError.LIMIT_EXCEEDED.httpStatus()).isEqualTo(429);
        assertThat(new ProvisionLog(jdbc).disclose(TOKYO.get(1))).as("nothing provided by the refused query").isEmpty();

        clock.moveTo(Duration.ofSeconds(61));
        assertThat(provision.provide(nenkin, query("q5", TOKYO.get(1))).personsProvided()).isEqualTo(1);
    }

    @Test
    void single_person_queries_cannot_get_round_the_bulk_approval_the_daily_volume_is_refused() throws Exception {
        IdentityProvision provision = provision(0, 3);
        for (int i = 0; i < 3; i++) {
            clock.moveTo(Duration.ofHours(i));
            provision.provide(nenkin, query("d" + i, TOKYO.get(i)));
        }
        clock.moveTo(Duration.ofHours(23));

        assertThatThrownBy(() -> provision.provide(nenkin, query("d3", TOKYO.get(3))))
                .hasMessageContaining("requester nenkin asked for 3 persons in the last 24 hours; 1 more would exceed the "
                        + "limit of 3 a day (jukibus.provision.limits.per-day)")
                .hasMessageContaining("it needs an approval (jukibus provision approve-bulk)");

        // an approved bulk query is its own approval of its volume
        new BulkApprovals(jdbc).record("nenkin", "pension", 10, START, START.plus(Duration.ofDays(2)), "情報管理責任者", "operator:yamada", START);
        assertThat(provision.provide(nenkin, query("bulk", TOKYO.get(3), OSAKA)).personsProvided()).isEqualTo(2);

        clock.moveTo(Duration.ofHours(24).plusMinutes(1)); // the first query of the day has left the window
        assertThat(provision.provide(nenkin, query("d4", TOKYO.get(3))).personsProvided()).isEqualTo(1);
    }

    @Test
    void centrals_report_to_a_prefecture_lists_what_was_provided_about_its_residents_only() throws Exception {
        IdentityProvision provision = provision(0, 0);
        provision.provide(nenkin, query("r1", TOKYO.get(0)));
        clock.moveTo(Duration.ofHours(1));
        provision.provide(nenkin, query("r2", OSAKA));
        provision.provide(nenkin, query("r3", TOKYO.get(2)));

        List<Map<String, Object>> entries = new ProvisionReport(jdbc).entries("13", START, START.plus(Duration.ofDays(1)));

        assertThat(entries).extracting(e -> e.get("residentCode") + " " + e.get("municipality") + " " + e.get("requester")
                + " " + e.get("requesterName") + " " + e.get("purpose") + " " + e.get("queryId"))
                .containsExactly("10000000014 131041 nenkin 日本年金機構 pension r1", "10000000030 131041 nenkin 日本年金機構 pension r3");
        assertThat(new String(ProvisionReport.csv(entries), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("provided_at,resident_code,municipality,requester,requester_name,purpose,items,query_id\n"
                        + "2027-04-01T01:00:00Z,10000000014,131041,nenkin,日本年金機構,pension,\"" + ProvisionLog.ITEMS + "\",r1\n");
        assertThat(new ProvisionReport(jdbc).entries("27", START, START.plus(Duration.ofDays(1)))).hasSize(1);
        assertThat(new ProvisionReport(jdbc).entries("13", START.plus(Duration.ofHours(2)), START.plus(Duration.ofDays(1)))).isEmpty();
        assertThatThrownBy(() -> new ProvisionReport(jdbc).entries("1", START, START.plusSeconds(1)))
                .hasMessageContaining("a prefecture is its 2-digit code");
        assertThat(ProvisionReport.fileName("13", START, START.plus(Duration.ofDays(1))))
                .isEqualTo("provision-report-13-2027-04-01T010000Z-2027-04-02T010000Z.csv");
    }

    @Test
    void the_prefectures_own_use_is_logged_per_person_as_used_and_disclosed_beside_provisions() throws Exception {
        RequesterIdentity kenmin = new RequesterIdentity("tokyo-kenmin", "東京都 県民生活局");
        Requesters requesters = new Requesters(jdbc);
        requesters.register(kenmin, Set.of("pension"), true, "operator:yamada", START);
        IdentityProvision provision = provision(0, 0);

        provision.provide(kenmin, query("own-1", TOKYO.get(0)));
        provision.provide(nenkin, query("prov-1", TOKYO.get(0)));

        assertThat(new ProvisionLog(jdbc).disclose(TOKYO.get(0))).extracting(e -> e.get("kind") + " " + e.get("requester")
                + " " + e.get("queryId")).containsExactly("USED tokyo-kenmin own-1", "PROVIDED nenkin prov-1");
        assertThat(audit).extracting(AuditEvent::detail).anyMatch(d -> d.startsWith("own use (第6の8(5)ア), purpose pension, query own-1"));
        assertThatThrownBy(() -> requesters.register(kenmin, Set.of("tax"), false, "operator:yamada", START))
                .hasMessageContaining("is registered for the prefecture's own use, not as a recipient of provision");
    }

    private IdentityProvision provision(int perMinute, int perDay) {
        return new IdentityProvision(new Requesters(jdbc), new BulkApprovals(jdbc), new IdentityLookup(jdbc), new ProvisionLog(jdbc),
                new ProvisionLimits(jdbc, perMinute, perDay), new TransactionTemplate(new DataSourceTransactionManager(store)),
                audit::add, clock);
    }

    private static IdentityQuery query(String id, String... residentCodes) {
        return new IdentityQuery(id, "pension", java.util.Arrays.stream(residentCodes)
                .<IdentityQuery.Condition>map(IdentityQuery.ByResidentCode::new).toList());
    }

    private void person(String residentCode, String municipality) {
        jdbc.update("insert into identity_record (resident_code, name, birth_date, sex, address, change_reason, change_date,"
                        + " municipality_code, recorded_at) values (?, ?, ?, '1', ?, 'BIRTH', ?, ?, ?)",
                residentCode, "住民 " + residentCode, LocalDate.of(1980, 1, 1), "東京都新宿区", LocalDate.of(1980, 1, 1),
                municipality, Timestamp.from(START.minus(Duration.ofDays(1))));
    }
}
