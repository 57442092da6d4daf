package org.jukibus.flow.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.calendar.CalendarFile;
import org.jukibus.clock.NodeClock;
import org.jukibus.flow.LegacyOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 翌運用日の業務開始 (第6の6(1)) in the municipal node's reconciliation, with the node clock moved across a weekend and
 * a holiday: an update sent on Friday 2027-01-08 is not MISSING over the weekend nor on 成人の日 (Monday), and is at
 * Tuesday's opening, with the report naming when it was due.
 */
class CutoffCalendarTest {

    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final Instant FRIDAY_1600 = Instant.parse("2027-01-08T07:00:00Z");

    @TempDir
    Path dir;

    @Test
    void an_update_sent_on_friday_is_missing_only_at_the_opening_of_the_next_operating_day() throws Exception {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        NodeClock clock = new NodeClock(Clock.fixed(FRIDAY_1600, TOKYO), Duration.ZERO);
        SentUpdates sent = new SentUpdates(new JdbcTemplate(store));
        sent.record("u-friday", "13", List.of(IdentityPayloadsTest.record("10000000014", ChangeReason.BIRTH, "131041")), FRIDAY_1600);
        Path calendar = dir.resolve("calendar.yaml");
        Files.copy(Path.of("docs/calendar-2027.yaml"), calendar);
        List<AuditEvent> audit = new ArrayList<>();
        LegacyOutbox outbox = new LegacyOutbox(dir.resolve("legacy"), new TransferLedger(store, clock));
        Reconciliation reconciliation = new Reconciliation(sent, new CutoffSchedule(new CalendarFile(calendar, TOKYO)),
                outbox, audit::add, clock);

        for (String notYet : new String[] {"2027-01-09T08:30", "2027-01-10T23:00", "2027-01-11T08:30", "2027-01-12T08:29"}) {
            moveTo(clock, notYet);
            assertThat(reconciliation.checkCutoff()).as("at %s", notYet).isZero();
        }
        moveTo(clock, "2027-01-12T08:30");
        assertThat(reconciliation.checkCutoff()).as("Tuesday at the opening").isEqualTo(1);

        assertThat(audit).extracting(AuditEvent::kind).containsExactly(AuditKind.RECONCILIATION_ALERT);
        Path report = dir.resolve("legacy/outbox/" + IdentityFlow.RECONCILIATION_FOLDER + "/u-friday-MISSING.xml");
        assertThat(Files.readString(report, StandardCharsets.UTF_8)).contains("by the opening of the next operating day "
                + "after the day the update was sent (2027-01-11T23:30:00Z)");
    }

    private static void moveTo(NodeClock clock, String tokyoLocal) {
        clock.moveTo(Duration.between(FRIDAY_1600, LocalDateTime.parse(tokyoLocal).atZone(TOKYO).toInstant()));
    }
}
