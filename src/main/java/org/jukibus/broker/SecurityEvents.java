package org.jukibus.broker;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jukibus.logging.RateLimitedLog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused logins and denied permissions on a node's broker and management port, and messages refused for security
 * reasons (bad signature, replay, unknown sender, ...) (不正アクセスの早期発見, 第4の9(3)): each is counted in memory until the next
 * heartbeat adds the counts to the totals in the node's store ({@link #drain()}, monitoring.SecurityTotals), which it
 * carries to central, and logged at WARN with a
 * fixed prefix — at most one line per kind and {@link #LOG_INTERVAL}, the next one saying how many were left out, so
 * an attacker repeating a refused attempt cannot flood the node's log ({@link RateLimitedLog}: the minute is measured on
 * a monotonic source, so moving the node clock neither silences nor hastens a line). Thread-safe: the broker and the web server
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

    /** @param clock the node clock: dates the line before in a line that says how many were left out */
    public SecurityEvents(Clock clock) {
        this(clock, System::nanoTime);
    }

    /** @param ticks monotonic nanoseconds for the log's interval (System.nanoTime; a test moves its own) */
    SecurityEvents(Clock clock, LongSupplier ticks) {
        this.loginLog = limited(clock, ticks);
        this.permissionLog = limited(clock, ticks);
        this.messageLog = limited(clock, ticks);
    }

    public void loginRefused(String remote, String why) {
        loginsRefused.incrementAndGet();
        warn(loginLog, "SECURITY login refused from " + remote + ": " + why);
    }

    public void permissionDenied(String user, String permission, String address) {
        permissionsDenied.incrementAndGet();
        warn(permissionLog, "SECURITY " + permission + " denied to '" + user + "' on address " + address);
    }

    /**
     * A message dead-lettered for a security reason (an envelope rejection or a sender mismatch; not a business
     * refusal). {@code sender} is who the broker authenticated as its producer: the envelope's own sender may be forged.
     */
    public void messageRefused(String sender, String reason) {
        messagesRefused.incrementAndGet();
        warn(messageLog, "SECURITY message from " + sender + " refused: " + reason);
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

    /** One kind of event's WARN line, at most once per {@link #LOG_INTERVAL}, the next saying how many were left out. */
    private static RateLimitedLog limited(Clock clock, LongSupplier ticks) {
        return new RateLimitedLog(log, LOG_INTERVAL, clock, ticks);
    }

    private static void warn(RateLimitedLog kind, String line) {
        kind.warn((leftOut, since) -> leftOut == 0 ? line
                : line + " (and " + leftOut + " more of this kind since " + since + ", not logged one by one)");
    }
}
