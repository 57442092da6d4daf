package org.jukibus.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.jukibus.clock.NodeClock;
import org.jukibus.flow.identity.CutoffSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operating calendar (第6の1, 第6の6(1) 翌運用日) with the node clock moved across a weekend and a holiday: the
 * shipped 2027 example, where Monday 2027-01-11 is 成人の日.
 */
class OperatingCalendarTest {

    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    /** Friday 2027-01-08 16:00 in Tokyo. */
    static final Instant FRIDAY_1600 = Instant.parse("2027-01-08T07:00:00Z");

    @TempDir
    Path dir;

    CalendarFile example() throws Exception {
        Path file = dir.resolve("calendar.yaml");
        Files.copy(Path.of("docs/calendar-2027.yaml"), file);
        return new CalendarFile(file, TOKYO);
    }

    /** The node clock, moved to a local time in Tokyo. */
    static NodeClock clockAt(String tokyoLocal) {
        NodeClock clock = new NodeClock(Clock.fixed(FRIDAY_1600, TOKYO), Duration.ZERO);
        clock.moveTo(Duration.between(FRIDAY_1600, java.time.LocalDateTime.parse(tokyoLocal).atZone(TOKYO).toInstant()));
        return clock;
    }

    @Test
    void an_update_sent_on_the_friday_before_a_holiday_monday_is_due_at_tuesdays_opening() throws Exception {
        CutoffSchedule cutoff = new CutoffSchedule(example());

        assertThat(cutoff.dueAt(FRIDAY_1600)).isEqualTo(Instant.parse("2027-01-11T23:30:00Z")); // Tuesday 08:30 Tokyo
        for (String notYet : new String[] {"2027-01-09T09:00", "2027-01-10T12:00", "2027-01-11T08:30", "2027-01-12T08:29"}) {
            assertThat(cutoff.confirmedBefore(clockAt(notYet).instant())).as("at %s", notYet)
                    .isBeforeOrEqualTo(FRIDAY_1600);
        }
        assertThat(cutoff.confirmedBefore(clockAt("2027-01-12T08:30").instant())).as("Tuesday at the opening")
                .isAfter(FRIDAY_1600).isEqualTo(Instant.parse("2027-01-11T15:00:00Z"));
    }

    @Test
    void without_a_calendar_file_every_day_is_an_operating_day_from_0830() throws Exception {
        CutoffSchedule cutoff = new CutoffSchedule(new CalendarFile(dir.resolve("none.yaml"), TOKYO));

        assertThat(cutoff.dueAt(FRIDAY_1600)).isEqualTo(Instant.parse("2027-01-08T23:30:00Z")); // Saturday 08:30
        assertThat(cutoff.confirmedBefore(clockAt("2027-01-09T08:30").instant())).isAfter(FRIDAY_1600);
        assertThat(OperatingCalendar.everyDay(TOKYO).plusOperatingTime(FRIDAY_1600, Duration.ofMinutes(30)))
                .as("around the clock: plain time").isEqualTo(FRIDAY_1600.plus(Duration.ofMinutes(30)));
    }

    @Test
    void an_answer_timeout_counts_operating_hours_only() throws Exception {
        OperatingCalendar calendar = example().get();
        Instant friday1700 = clockAt("2027-01-08T17:00").instant();

        // 15 minutes on Friday until 17:15, Saturday, Sunday and the holiday Monday do not count, 15 on Tuesday
        assertThat(calendar.plusOperatingTime(friday1700, Duration.ofMinutes(30)))
                .isEqualTo(clockAt("2027-01-12T08:45").instant());
        assertThat(calendar.plusOperatingTime(clockAt("2027-01-09T10:00").instant(), Duration.ofMinutes(30)))
                .as("sent on a Saturday").isEqualTo(clockAt("2027-01-12T09:00").instant());
        assertThat(calendar.plusOperatingTime(clockAt("2027-01-12T07:00").instant(), Duration.ofHours(1)))
                .as("before the opening").isEqualTo(clockAt("2027-01-12T09:30").instant());
        assertThat(calendar.isOperatingDay(LocalDate.of(2027, 3, 22))).as("振替休日").isFalse();
        assertThat(calendar.nextOperatingDay(LocalDate.of(2027, 4, 30))).as("Golden Week").isEqualTo(LocalDate.of(2027, 5, 6));
    }

    @Test
    void the_file_is_read_again_when_the_operator_changes_it_and_a_bad_one_names_what_is_wrong() throws Exception {
        CalendarFile file = example();
        Path path = file.file();
        assertThat(file.get().isOperatingDay(LocalDate.of(2027, 1, 11))).isFalse();

        write(path, "opening: \"09:00\"\ndays-off: [SUNDAY]\nholidays: []\n", 1);
        assertThat(file.get().isOperatingDay(LocalDate.of(2027, 1, 11))).isTrue();
        assertThat(file.get().isOperatingDay(LocalDate.of(2027, 1, 9))).as("Saturday now operated").isTrue();
        assertThat(file.get().opening()).hasToString("09:00");

        write(path, "opening: \"09:00\"\nholidays: [2027-02-30]\n", 2);
        assertThat(file.get().opening()).as("the calendar read before stays in force").hasToString("09:00");

        assertThatThrownBy(() -> new CalendarFile(path, TOKYO)).hasMessageContaining("operating calendar " + path)
                .hasMessageContaining("holidays: '2027-02-30' is not a date YYYY-MM-DD");
        write(path, "opening: 08:30\nclosing: 17:15\nholidays: [2027-01-01]\n", 3);
        assertThat(new CalendarFile(path, TOKYO).get()).as("unquoted times and dates")
                .extracting(c -> c.closing().toString(), c -> c.holidays().first().toString()).containsExactly("17:15", "2027-01-01");
        write(path, "opening: \"8.30\"\n", 3);
        assertThatThrownBy(() -> new CalendarFile(path, TOKYO)).hasMessageContaining("opening: '8.30' is not a time HH:MM");
        write(path, "opening: \"08:30\"\nholiday: [2027-01-01]\n", 4);
        assertThatThrownBy(() -> new CalendarFile(path, TOKYO)).hasMessageContaining("unknown key 'holiday'");
        write(path, "opening: \"17:00\"\nclosing: \"08:30\"\n", 5);
        assertThatThrownBy(() -> new CalendarFile(path, TOKYO)).hasMessageContaining("closing time 08:30 must be after the opening time 17:00");
    }

    /** Writes with a distinct modification time (file systems with coarse timestamps). */
    private static void write(Path file, String yaml, int n) throws Exception {
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000L * n));
    }
}
