package org.jukibus.broker;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused logins and denied permissions on a node's broker (不正アクセスの早期発見, 第4の9(3)):
 * each is logged at WARN with a fixed prefix, and counted until the next heartbeat takes the
 * counts to central ({@link #drain()}). Thread-safe: the broker calls it from its own threads.
 */
public class SecurityEvents {

    private static final Logger log = LoggerFactory.getLogger("jukibus.security");

    /** Counts since the previous {@link #drain()}. */
    public record Counts(long loginsRefused, long permissionsDenied) {
    }

    private final AtomicLong loginsRefused = new AtomicLong();
    private final AtomicLong permissionsDenied = new AtomicLong();

    public void loginRefused(String remote, String why) {
        loginsRefused.incrementAndGet();
        log.warn("SECURITY login refused from {}: {}", remote, why);
    }

    public void permissionDenied(String user, String permission, String address) {
        permissionsDenied.incrementAndGet();
        log.warn("SECURITY {} denied to '{}' on address {}", permission, user, address);
    }

    /** The counts since the previous call, and zero again: every event is reported exactly once. */
    public Counts drain() {
        return new Counts(loginsRefused.getAndSet(0), permissionsDenied.getAndSet(0));
    }

    /** Gives counts back that could not be reported after all (the heartbeat carrying them failed). */
    public void restore(Counts counts) {
        loginsRefused.addAndGet(counts.loginsRefused());
        permissionsDenied.addAndGet(counts.permissionsDenied());
    }
}
