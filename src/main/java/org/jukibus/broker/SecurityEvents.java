package org.jukibus.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused logins and denied permissions on a node's broker and management port, and messages refused for security
 * reasons (bad signature, replay, unknown sender, ...) (不正アクセスの早期発見, 第4の9(3)): each is counted in memory until the next
 * heartbeat adds the counts to the totals in the node's store ({@link #drain()}, monitoring.SecurityTotals), which it
 * carries to central, and logged at WARN with a
 * fixed prefix — at most one line per kind and {@link #LOG_INTERVAL}, the next one saying how many were left out, so
 * an attacker repeating a refused attempt cannot flood the node's log. Thread-safe: the broker and the web server
 * call it from their own threads.
 */
public class SecurityEvents {

    /** At most one WARN per kind of event in this time. */
    public static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger("jukibus.security");

    /** Counts since the previous {@link #drain()}. */
    public record Counts(long loginsRefused, long permissionsDenied, long messagesRefused) {
    }

    private final AtomicLong loginsRefused = new AtomicLong();
    private final AtomicLong permissionsDenied = new AtomicLong();
    private final AtomicLong messagesRefused = new AtomicLong();
    private final RateLimitedLog loginLog;
    private final RateLimitedLog permissionLog;
    private final RateLimitedLog messageLog;

    public SecurityEvents() {
        this(Clock.systemUTC());
    }

    public SecurityEvents(Clock clock) {
        this.loginLog = new RateLimitedLog(clock);
        this.permissionLog = new RateLimitedLog(clock);
        this.messageLog = new RateLimitedLog(clock);
    }

    public void loginRefused(String remote, String why) {
        loginsRefused.incrementAndGet();
        loginLog.warn("SECURITY login refused from " + remote + ": " + why);
    }

    public void permissionDenied(String user, String permission, String address) {
        permissionsDenied.incrementAndGet();
        permissionLog.warn("SECURITY " + permission + " denied to '" + user + "' on address " + address);
    }

    /**
     * A message dead-lettered for a security reason (an envelope rejection or a sender mismatch; not a business
     * refusal). {@code sender} is who the broker authenticated as its producer: the envelope's own sender may be forged.
     */
    public void messageRefused(String sender, String reason) {
        messagesRefused.incrementAndGet();
        messageLog.warn("SECURITY message from " + sender + " refused: " + reason);
    }

    /** The counts since the previous call, and zero again: every event is reported exactly once. */
    public Counts drain() {
        return new Counts(loginsRefused.getAndSet(0), permissionsDenied.getAndSet(0), messagesRefused.getAndSet(0));
    }

    /** Gives counts back that could not be reported after all (the heartbeat carrying them failed). */
    public void restore(Counts counts) {
        loginsRefused.addAndGet(counts.loginsRefused());
        permissionsDenied.addAndGet(counts.permissionsDenied());
        messagesRefused.addAndGet(counts.messagesRefused());
    }

    /** One kind of event's WARN lines: the first at once, then at most one per {@link #LOG_INTERVAL}. */
    private static final class RateLimitedLog {
        private final Clock clock;
        private Instant lastLogged;
        private long leftOut;

        RateLimitedLog(Clock clock) {
            this.clock = clock;
        }

        synchronized void warn(String line) {
            Instant now = clock.instant();
            // a line logged "later than now" dates from before the clock was moved back (the end of a drill): it
            // does not silence this kind for the distance moved
            if (lastLogged != null && !now.isBefore(lastLogged) && now.isBefore(lastLogged.plus(LOG_INTERVAL))) {
                leftOut++;
                return;
            }
            if (leftOut > 0) {
                log.warn("{} (and {} more of this kind since {}, not logged one by one)", line, leftOut, lastLogged);
            } else {
                log.warn(line);
            }
            lastLogged = now;
            leftOut = 0;
        }
    }
}
