package org.jukibus.monitoring;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a security event (one heartbeat interval's counts at a node) gets alerts, given the node's open episode. One
 * alert per episode in the common case; but an open episode must not hide what comes later in it (review H1: one refused
 * TLS login an hour, which needs no certificate, kept an episode open for ever), so it alerts again when a kind of event
 * the episode had not seen begins, when an interval adds far more than the episode's rate so far, and once a day while
 * it stays open. At most a few alerts per node a day: a surge must be ten times the episode's rate and twice its largest
 * interval so far, so a rate that stays high alerts once and repeated surges must double each time.
 */
public enum EpisodeAlert {
    /** More of the episode announced: a history line without alerts. */
    NONE(""),
    /** The first events after a quiet time. */
    BEGINS("security events"),
    /** Logins refused, permissions denied or messages refused, where the episode had none of that kind so far. */
    NEW_KIND("a new kind of security event in the episode"),
    /**
     * More than {@link #SURGE_FACTOR} times the episode's events per interval so far, more than twice its largest interval,
     * and at least {@link #SURGE_FLOOR}.
     */
    SURGE("a sharp rise of security events in the episode"),
    /** The episode goes on into a day of it (24 hours from its beginning) with no alert yet: its running totals. */
    REMINDER("the episode of security events goes on");

    /** How many times the episode's mean per interval one interval must add to alert again. */
    static final long SURGE_FACTOR = 10;
    /**
     * The fewest events in one interval that can be a surge: a trickle of one an hour must not alert at its second
     * event because its mean is near zero.
     */
    static final long SURGE_FLOOR = 100;
    /** The reminder while an episode stays open: once in each day of it (counted from its beginning) without an alert. */
    static final Duration REMINDER_EVERY = Duration.ofDays(1);

    private final String title;

    EpisodeAlert(String title) {
        this.title = title;
    }

    /** The alert's opening words (history line and Detail); empty for {@link #NONE}. */
    public String title() {
        return title;
    }

    /**
     * @param added      what this interval adds
     * @param so         the episode's totals before it
     * @param intervals  the episode's heartbeat intervals so far (at least 1)
     * @param peak       the most events one interval of the episode added so far
     * @param since      when the episode began
     * @param alertedAt  when the episode last alerted
     * @param receivedAt this heartbeat's receipt
     */
    static EpisodeAlert during(NodeHeartbeat.SecurityCounts added, NodeHeartbeat.SecurityCounts so, long intervals, long peak,
                               Instant since, Instant alertedAt, Instant receivedAt) {
        if (begins(added.loginsRefused(), so.loginsRefused()) || begins(added.permissionsDenied(), so.permissionsDenied())
                || begins(added.messagesRefused(), so.messagesRefused())) {
            return NEW_KIND;
        }
        long now = total(added);
        if (now >= SURGE_FLOOR && now * Math.max(1, intervals) > SURGE_FACTOR * total(so) && now > 2 * peak) {
            return SURGE;
        }
        return alertedAt == null || day(since, receivedAt) > day(since, alertedAt) ? REMINDER : NONE;
    }

    /** The day of the episode {@code at} falls in: 0 its first 24 hours (negative for a clock moved back). */
    private static long day(Instant since, Instant at) {
        return Math.floorDiv(Duration.between(since, at).toMillis(), REMINDER_EVERY.toMillis());
    }

    private static boolean begins(long added, long so) {
        return added > 0 && so == 0;
    }

    static long total(NodeHeartbeat.SecurityCounts c) {
        return c.loginsRefused() + c.permissionsDenied() + c.messagesRefused();
    }
}
