package org.jukibus.flow.identity;

import java.time.Instant;
import java.util.function.Supplier;

import org.jukibus.calendar.OperatingCalendar;

/**
 * 翌運用日の業務開始まで (by the opening of the next operating day, 第6の6(1)): an identity update sent on one day
 * must be confirmed (its update-count list back) by the opening of the next operating day of the node's operating
 * calendar, so an update sent on Friday is due on Monday's opening, or Tuesday's when Monday is a holiday.
 *
 * @param calendar the node's operating calendar in force (the operator's file, read again when it changes)
 */
public record CutoffSchedule(Supplier<OperatingCalendar> calendar) {

    /**
     * The start of the last operating day that has opened at {@code now}: updates sent before it were sent on a day
     * whose next operating day has opened, so they must be confirmed.
     */
    public Instant confirmedBefore(Instant now) {
        OperatingCalendar c = calendar.get();
        return c.lastOpenedDay(now).atStartOfDay(c.zone()).toInstant();
    }

    /** When an update sent at {@code sentAt} is due: the opening of the next operating day after its day. */
    public Instant dueAt(Instant sentAt) {
        return calendar.get().nextOpeningAfterDayOf(sentAt);
    }
}
