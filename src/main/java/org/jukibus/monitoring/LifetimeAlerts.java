package org.jukibus.monitoring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.directory.NetworkTrust;
import org.jukibus.flow.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Central's look at the lifetimes in a heartbeat (有効期限の監視): a node certificate within {@value #WARN_DAYS}
 * days of expiry, a CRL within {@value #CRL_WARN_DAYS} days of its nextUpdate (or past either), a node running an older directory or CRL than central's, and a
 * node clock more than {@value #CLOCK_TOLERANCE_SECONDS} s ahead of central's, or that much behind beyond the longest a
 * heartbeat may take to arrive, and a node with less than {@value #DISK_WARN_BYTES} bytes free on the disk of its home
 * (store, broker journal, evidence, legacy folders: full, it stops delivering). Each problem becomes a node-status
 * alert to the node and its prefecture once per node, problem and day of central's clock: the alert id is made
 * from those, so the repeats of the same day are dropped as duplicates on the way, and the event is recorded once.
 */
public final class LifetimeAlerts {

    public static final int WARN_DAYS = 14;
    /**
     * A CRL lives 7 days ({@code jukibus pki crl}) and central renews it 3 days before it is due: 14 days would
     * alert on every CRL. Less than 2 days left means a renewal was missed, with 2 days left to publish one.
     */
    public static final int CRL_WARN_DAYS = 2;
    public static final int CLOCK_TOLERANCE_SECONDS = 30;
    /**
     * 4 GiB: 3 GiB above the broker's disk bound (min-disk-free 1GiB in broker-config/*.xml, where it refuses every
     * send: broker.DiskFullRefusal), far more than a day's traffic of the busiest node, far less than any disk sized by
     * docs/deployment.md, so the alert leaves days to free space or add disk before the node stops delivering.
     */
    public static final long DISK_WARN_BYTES = 4L * 1024 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(LifetimeAlerts.class);

    /** One problem found in a heartbeat. */
    record Problem(String status, String detail) {
    }

    private final StatusBoard board;
    private final NodeStatusStore store;
    private final NetworkTrust trust;
    private final Clock clock;
    private final Duration maxTransit;

    /** @param maxTransit the longest a heartbeat can take to arrive: its time-to-live in the outbound queue */
    public LifetimeAlerts(StatusBoard board, NodeStatusStore store, NetworkTrust trust, Clock clock, Duration maxTransit) {
        this.board = board;
        this.store = store;
        this.trust = trust;
        this.clock = clock;
        this.maxTransit = maxTransit;
    }

    /** The alerts for the problems {@code heartbeat} shows, received now (central's clock). */
    public List<Answer> alerts(NodeHeartbeat heartbeat) throws Exception {
        Instant now = clock.instant();
        List<Answer> out = new ArrayList<>();
        for (Problem p : problems(heartbeat, now, trust.state(), maxTransit)) {
            String key = heartbeat.node() + "/" + p.status() + "/" + LocalDate.ofInstant(now, ZoneOffset.UTC);
            NodeStatusAlert alert = new NodeStatusAlert(heartbeat.node(), heartbeat.role(), p.status(), now.toString(),
                    heartbeat.sentAt(), p.detail());
            List<Answer> answers = board.alerts(alert, key);
            store.recordEvent(key, new NodeStatusStore.Event(heartbeat.node(), p.status(), now, now, p.detail(),
                    answers.stream().map(Answer::messageId).toList()), now);
            log.debug("NODE STATUS {} {}: {}", heartbeat.node(), p.status(), p.detail());
            out.addAll(answers);
        }
        return out;
    }

    /**
     * What is wrong with the lifetimes in {@code heartbeat}, received at {@code now}, compared with central's
     * {@code own}, for a heartbeat that may have waited up to {@code maxTransit} on the way.
     */
    static List<Problem> problems(NodeHeartbeat heartbeat, Instant now, NetworkTrust.State own, Duration maxTransit) {
        List<Problem> problems = new ArrayList<>();
        Instant warnFrom = now.plus(Duration.ofDays(WARN_DAYS));
        Instant certificate = Instant.parse(heartbeat.certificateNotAfter());
        if (certificate.isBefore(warnFrom)) {
            problems.add(new Problem("CERTIFICATE_EXPIRING", "the node certificate " + (certificate.isAfter(now) ? "expires" : "expired")
                    + " at " + certificate + ": issue a new one ('jukibus pki issue') and list it in the directory"));
        }
        NodeHeartbeat.Trust t = heartbeat.trust();
        if (t != null) {
            Instant crlNext = Instant.parse(t.crlNextUpdate());
            if (crlNext.isBefore(now.plus(Duration.ofDays(CRL_WARN_DAYS)))) {
                problems.add(new Problem("CRL_EXPIRING", "the CRL in force (number " + t.crlNumber() + ") "
                        + (crlNext.isAfter(now) ? "is due for renewal at " : "was due for renewal at ") + crlNext
                        + ": publish a new CRL at central ('jukibus pki crl', then publish/)"));
            }
            if (t.directorySerial() < own.directory().serial() || t.crlNumber().compareTo(own.crlNumber()) < 0) {
                problems.add(new Problem("TRUST_BEHIND", "the node runs directory serial " + t.directorySerial() + " and CRL number "
                        + t.crlNumber() + ", central has " + own.directory().serial() + " and " + own.crlNumber()
                        + ": its prefecture has not passed the newer ones on, or the node cannot reach it"));
            }
        }
        // -1: the node could not read its free space (it says so in its own log)
        if (heartbeat.diskFreeBytes() >= 0 && heartbeat.diskFreeBytes() < DISK_WARN_BYTES) {
            problems.add(new Problem("DISK_LOW", "the disk of the node's home has " + heartbeat.diskFreeBytes() / (1024 * 1024)
                    + " MiB free: free space (old logs, backups) or add disk before the broker journal or the store runs full"));
        }
        // SentAt is the node's clock. Transit makes a heartbeat look late, never early: ahead is certain beyond the
        // tolerance, behind only beyond the tolerance plus the longest a heartbeat may wait (its TTL), else a
        // heartbeat that waited for an unreachable central would raise a false alarm
        Duration offset = Duration.between(now, Instant.parse(heartbeat.sentAt()));
        Duration tolerance = Duration.ofSeconds(CLOCK_TOLERANCE_SECONDS);
        if (offset.compareTo(tolerance) > 0 || offset.negated().compareTo(tolerance.plus(maxTransit)) > 0) {
            problems.add(new Problem("CLOCK_OFF", "the node's clock read " + heartbeat.sentAt() + " when central's read "
                    + now + " (" + (offset.isNegative() ? offset.negated().toSeconds() + " s behind" : offset.toSeconds() + " s ahead")
                    + "): check its time source"));
        }
        return problems;
    }
}
