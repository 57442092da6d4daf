package org.jukibus.flow.identity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * 翌運用日の業務開始まで (by the start of the next operating day): an identity update recorded on one day
 * must be confirmed (its update-count list back) by the cut-off time of the next day. At any moment,
 * the last cut-off that has passed covers every update sent before the start of its day.
 *
 * @param cutoff the daily cut-off, local time (e.g. 08:30)
 * @param zone   the zone the operating day is counted in
 */
public record CutoffSchedule(LocalTime cutoff, ZoneId zone) {

    /** The start of the day of the last cut-off passed at {@code now}: updates sent before it must be confirmed. */
    public Instant confirmedBefore(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalDate cutoffDay = local.toLocalTime().isBefore(cutoff) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
        return cutoffDay.atStartOfDay(zone).toInstant();
    }
}
