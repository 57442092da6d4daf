package org.jukibus.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator is told, well before the year ends, that the calendar lists no holidays for the next one. */
class CalendarMetricsTest {

    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final Clock NOVEMBER_2027 = Clock.fixed(Instant.parse("2027-11-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path home;

    @Test
    void the_time_left_runs_to_the_end_of_the_last_year_with_holidays_and_grows_once_next_years_are_entered() throws Exception {
        Path file = home.resolve("calendar.yaml");
        Files.writeString(file, "opening: \"08:30\"\nholidays:\n  - 2027-01-01\n  - 2027-11-23\n");
        CalendarFile calendar = new CalendarFile(file, TOKYO);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CalendarMetrics(calendar, NOVEMBER_2027).bindTo(registry);

        // 2028-01-01 00:00 in Tokyo is 2027-12-31T15:00Z: 60 days and 15 hours after 2027-11-01T00:00Z
        assertThat(listed(registry)).isEqualTo(Duration.ofDays(60).plusHours(15).toSeconds());

        Files.writeString(file, "opening: \"08:30\"\nholidays:\n  - 2027-01-01\n  - 2028-01-01\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(listed(registry)).isGreaterThan(Duration.ofDays(365).toSeconds());
    }

    @Test
    void a_calendar_without_holidays_says_nothing() {
        CalendarFile none = new CalendarFile(home.resolve("absent.yaml"), TOKYO);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CalendarMetrics(none, NOVEMBER_2027).bindTo(registry);

        assertThat(listed(registry)).isNaN();
    }

    static double listed(SimpleMeterRegistry registry) {
        return registry.get("jukibus.calendar.holidays.listed").gauge().value();
    }
}
