package org.jukibus.calendar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A node's operating calendar (運用計画, standard 第6の1(2)): on which days the network is operated and between which
 * local times (業務開始 to 業務終了). Days off are weekdays (Saturday, Sunday), holidays are dates the operator lists
 * (national holidays are the operator's data: the calendar file is theirs, see {@link CalendarFile}).
 *
 * <p>Used for 翌運用日の業務開始 (the opening of the next operating day, 第6の6(1)) and for deadlines counted in
 * operating time. Pure: every "now" comes from the node clock through the caller.
 *
 * @param zone     the zone the days and times are in
 * @param opening  業務開始, the local time an operating day opens
 * @param closing  業務終了, the local time it closes (after {@code opening}); null: operated around the clock on
 *                 operating days, {@code opening} then only marks the start of business (the cut-off)
 * @param daysOff  weekdays that are never operating days
 * @param holidays further days that are not operating days
 */
public record OperatingCalendar(ZoneId zone, LocalTime opening, LocalTime closing, Set<DayOfWeek> daysOff,
                                SortedSet<LocalDate> holidays) {

    /** No operating calendar can have a year without an operating day; a bound on every search. */
    private static final int MAX_DAYS = 366;

    public OperatingCalendar {
        if (closing != null && !closing.isAfter(opening)) {
            throw new IllegalArgumentException("the closing time " + closing + " must be after the opening time " + opening);
        }
        if (daysOff.size() >= 7) {
            throw new IllegalArgumentException("every day of the week is a day off: the calendar has no operating day");
        }
        daysOff = Set.copyOf(daysOff);
        holidays = new TreeSet<>(holidays);
    }

    /** The calendar of a node without a calendar file: every day is an operating day, around the clock, business from 08:30. */
    public static OperatingCalendar everyDay(ZoneId zone) {
        return new OperatingCalendar(zone, LocalTime.of(8, 30), null, Set.of(), new TreeSet<>());
    }

    /**
     * When the holidays listed run out: the start of the year after the last year with a holiday listed (national
     * holidays are the operator's data, entered year by year); null when none is listed.
     */
    public Instant holidaysListedUntil() {
        return holidays.isEmpty() ? null : LocalDate.of(holidays.last().getYear() + 1, 1, 1).atStartOfDay(zone).toInstant();
    }

    public boolean isOperatingDay(LocalDate day) {
        return !daysOff.contains(day.getDayOfWeek()) && !holidays.contains(day);
    }

    /** 翌運用日: the first operating day after {@code day}. */
    public LocalDate nextOperatingDay(LocalDate day) {
        LocalDate d = day.plusDays(1);
        for (int i = 0; i < MAX_DAYS && !isOperatingDay(d); i++) {
            d = d.plusDays(1);
        }
        if (!isOperatingDay(d)) {
            throw new IllegalStateException("no operating day in the year after " + day + ": check the holidays of the calendar");
        }
        return d;
    }

    /** When {@code day} opens (業務開始). */
    public Instant opening(LocalDate day) {
        return day.atTime(opening).atZone(zone).toInstant();
    }

    /** 翌運用日の業務開始: the opening of the first operating day after the (local) day of {@code at}. */
    public Instant nextOpeningAfterDayOf(Instant at) {
        return opening(nextOperatingDay(at.atZone(zone).toLocalDate()));
    }

    /**
     * The last operating day that has opened at {@code now}: every update sent before this day began is due by now
     * (it was sent on a day whose next operating day has opened).
     */
    public LocalDate lastOpenedDay(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalDate d = local.toLocalDate();
        if (local.toLocalTime().isBefore(opening)) {
            d = d.minusDays(1);
        }
        for (int i = 0; i < MAX_DAYS && !isOperatingDay(d); i++) {
            d = d.minusDays(1);
        }
        return d;
    }

    /**
     * {@code start} plus {@code amount} of operating time: only the time between opening and closing on operating
     * days counts. A deadline falls at a time the calendar is open, never on a day off.
     */
    public Instant plusOperatingTime(Instant start, Duration amount) {
        Duration left = amount;
        ZonedDateTime t = start.atZone(zone);
        for (int i = 0; i <= MAX_DAYS * Math.max(1, amount.toDays() + 1); i++) {
            LocalDate day = t.toLocalDate();
            ZonedDateTime open = closing == null ? day.atStartOfDay(zone) : day.atTime(opening).atZone(zone);
            ZonedDateTime close = closing == null ? day.plusDays(1).atStartOfDay(zone) : day.atTime(closing).atZone(zone);
            if (isOperatingDay(day) && t.isBefore(close)) {
                ZonedDateTime from = t.isBefore(open) ? open : t;
                Duration available = Duration.between(from, close);
                if (left.compareTo(available) <= 0) {
                    return from.plus(left).toInstant();
                }
                left = left.minus(available);
            }
            t = day.plusDays(1).atStartOfDay(zone);
        }
        throw new IllegalStateException("the calendar has no operating time for " + amount + " after " + start);
    }
}
