package org.jukibus.provision;

import org.jukibus.core.PeriodicJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases the provision log once it is no longer needed (保存を行う必要がある期間経過後遅滞なく、確実に消去, 第6の8(5)ウ):
 * entries provided more than {@code jukibus.provision.log-retention} ago are deleted from the store (not flagged),
 * by a job every {@code jukibus.provision.log-erasure-interval} and on an operator's request with the time to
 * erase as of ({@link ProvisionOperations#eraseExpiredLog}). Each erasure that removed something is in the
 * operation log with the count and the cut-off.
 */
public final class ProvisionLogErasure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProvisionLogErasure.class);

    private final ProvisionLog provisionLog;
    private final Period retention;
    private final OperationLog audit;
    private final Clock clock;
    private PeriodicJob timer;

    public ProvisionLogErasure(ProvisionLog provisionLog, Period retention, OperationLog audit, Clock clock) {
        this.provisionLog = provisionLog;
        this.retention = retention;
        this.audit = audit;
        this.clock = clock;
    }

    public Period retention() {
        return retention;
    }

    /** Runs the erasure now and then every {@code interval}, on a daemon thread of its own. */
    public ProvisionLogErasure schedule(String node, Duration interval) {
        timer = PeriodicJob.start("provision-log-erasure-" + node, Duration.ZERO, interval, () -> eraseAsOf(clock.instant(), null));
        return this;
    }

    /** The instant before which entries are expired, as of {@code asOf} (the period counted in UTC calendar terms). */
    public Instant cutoff(Instant asOf) {
        return asOf.atZone(ZoneOffset.UTC).minus(retention).toInstant();
    }

    /** Erases the entries expired as of {@code asOf}; {@code actor} is the operator, or null for the node's own job. */
    public int eraseAsOf(Instant asOf, String actor) {
        Instant cutoff = cutoff(asOf);
        int erased = provisionLog.eraseBefore(cutoff);
        if (erased > 0 || actor != null) {
            log.info("provision log: {} entr{} provided before {} erased (retention {} as of {})", erased,
                    erased == 1 ? "y" : "ies", cutoff, retention, asOf);
            audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor).flow("provision")
                    .detail("provision log erasure as of " + asOf + ": " + erased + " entries provided before " + cutoff + " erased"));
        }
        return erased;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }
}
