package org.jukibus.operators;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;

/**
 * The operation-log lines of refused monitoring certificates. A Prometheus whose certificate expired or was revoked
 * asks again every 15 s until someone fixes it: a line per request wrote about 5,800 a day into the log an auditor
 * reads. So the first refusal of a certificate for a reason is written at once, and later ones are counted and
 * written as one line with their count at the first refusal at least {@link #INTERVAL} after the previous line (on
 * the node's clock): one line per episode and hour. Every refusal still counts at once where it is watched: the
 * security log and the refused logins the heartbeat carries to central ({@code SECURITY_EVENTS}).
 */
final class RefusedMonitors {

    /** At most one line per certificate and reason in this time. */
    static final Duration INTERVAL = Duration.ofHours(1);
    /**
     * Certificates followed one by one; a client presenting ever new ones (anyone can make a certificate that is
     * refused) shares one entry per reason beyond this, so it can grow neither the memory nor the log.
     */
    static final int FOLLOWED = 100;

    private record Episode(Instant lastWritten, long leftOut) {
    }

    private final OperationLog audit;
    private final Clock clock;
    private final Map<String, Episode> episodes = new HashMap<>();

    RefusedMonitors(OperationLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** A refusal of the certificate with this serial number; {@code why} names it and the reason. */
    synchronized void refused(String serial, String reason, String why) {
        Instant now = clock.instant();
        if (episodes.size() >= FOLLOWED) {
            // episodes with nothing left to write that are over: their next refusal starts a new one anyway
            episodes.values().removeIf(e -> e.leftOut() == 0 && !now.isBefore(e.lastWritten().plus(INTERVAL)));
        }
        String key = reason + " " + (episodes.size() < FOLLOWED || episodes.containsKey(reason + " " + serial) ? serial : "*");
        Episode episode = episodes.get(key);
        // a line written "later than now" dates from before the clock was moved back (the end of a drill): it does
        // not silence this certificate for the distance moved
        if (episode != null && !now.isBefore(episode.lastWritten()) && now.isBefore(episode.lastWritten().plus(INTERVAL))) {
            episodes.put(key, new Episode(episode.lastWritten(), episode.leftOut() + 1));
            return;
        }
        String detail = episode == null
                ? why + "; further refusals of this certificate for this reason are written at most once an hour, with their count"
                : why + " (and " + episode.leftOut() + " more refusal(s) of this certificate for this reason since "
                        + episode.lastWritten() + ", not written one by one)";
        audit.record(AuditEvent.of(AuditKind.OPERATOR_LOGIN_REFUSED).detail(detail));
        episodes.put(key, new Episode(now, 0));
    }
}
