package org.jukibus.audit;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the node's clock at start is plausible against the last thing the node itself recorded: its operation log's
 * last entry. A host that boots after an outage with its clock behind (a VM restored from a snapshot, a dead RTC
 * battery, NTP unreachable at boot) would otherwise start, take its peers' backlog back, and refuse every envelope
 * created in the gap as CLOCK_AHEAD, telling each sender NOT_DELIVERED for good. Refusing to start costs a restart
 * once the clock is right; starting costs every waiting message.
 *
 * @param tolerance how far before the last entry the clock may be (a small correction by NTP after the last stop)
 * @param accepted  the operator moved the clock back on purpose ({@code jukibus.audit.accept-clock-behind}): start anyway
 */
public record ClockAtStart(Duration tolerance, boolean accepted) {

    private static final Logger log = LoggerFactory.getLogger(ClockAtStart.class);

    public ClockAtStart {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("jukibus.audit.clock-behind-tolerance must not be negative, not " + tolerance);
        }
    }

    /**
     * Throws when {@code now} (the node clock, its offset included) is more than the tolerance before {@code lastEntry}
     * (null: a new log, nothing to compare with), naming both times and what to do. With the override set it does not
     * throw, but WARNs at every start (an override left in place would let the next unintended clock-behind start pass
     * too) and, when the clock is behind, returns the operation-log detail naming both times, so that the log's times
     * going backwards are explained by an entry as a {@code CLOCK_MOVED} would; null when there is nothing to record.
     */
    public String check(Instant lastEntry, Instant now, String logDir) {
        boolean behind = lastEntry != null && now.plus(tolerance).isBefore(lastEntry);
        if (accepted) {
            log.warn("jukibus.audit.accept-clock-behind is set: the check of the clock against the operation log's last "
                    + "entry is off{}. Remove the setting once the deliberate move is done: while it is set, a host clock "
                    + "left behind after an outage is not caught at start",
                    behind ? " (now " + now + " is " + Duration.between(now, lastEntry) + " before the last entry, " + lastEntry
                            + ": started all the same, and so recorded)" : "");
            return behind ? "started with jukibus.audit.accept-clock-behind: the clock (" + now + ") is "
                    + Duration.between(now, lastEntry) + " before the log's last entry (" + lastEntry + ")" : null;
        }
        if (!behind) {
            return null;
        }
        throw new ClockBehindException("the node's clock (" + now + ") is " + Duration.between(now, lastEntry)
                + " before the last entry of its operation log in " + logDir + " (" + lastEntry + "): the clock is "
                + "probably wrong (a restored snapshot, a dead RTC battery, NTP not yet synchronised), and envelopes "
                + "created since would be refused as CLOCK_AHEAD and reported NOT_DELIVERED for good. The node does not "
                + "start. Set the host clock right (check 'timedatectl' / 'chronyc tracking', and the node offset with "
                + "'jukibus clock show') and start it again; if the clock was moved back on purpose, start once with "
                + "jukibus.audit.accept-clock-behind=true");
    }

    /** The node's clock is behind what it recorded before. */
    public static final class ClockBehindException extends IllegalStateException {
        ClockBehindException(String message) {
            super(message);
        }
    }
}
