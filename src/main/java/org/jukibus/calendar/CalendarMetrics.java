package org.jukibus.calendar;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code jukibus_calendar_holidays_listed_seconds}: from the node clock to the end of the last year whose holidays the
 * operating calendar lists ({@link OperatingCalendar#holidaysListedUntil}); NaN where it lists none (no calendar
 * file: every day is an operating day). A year without its holidays would count them as operating days, moving
 * every cut-off and deadline (翌運用日の業務開始) onto a holiday: the alert JukibusCalendarYearMissing asks for next
 * year's well before the year ends.
 */
public final class CalendarMetrics implements MeterBinder {

    private final Supplier<OperatingCalendar> calendar;
    private final Clock clock;

    public CalendarMetrics(Supplier<OperatingCalendar> calendar, Clock clock) {
        this.calendar = calendar;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("jukibus.calendar.holidays.listed", this, CalendarMetrics::secondsListed).baseUnit("seconds")
                .description("Time until the holidays the operating calendar lists run out").register(registry);
    }

    double secondsListed() {
        Instant until = calendar.get().holidaysListedUntil();
        return until == null ? Double.NaN : Duration.between(clock.instant(), until).toMillis() / 1000.0;
    }
}
