package org.jukibus.erasure;

import org.jukibus.core.PeriodicJob;
import org.jukibus.core.Erasable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 確実な消去 (certain erasure, 第6の7): a record past its retention must be gone from everything the node keeps, not
 * only from {@code identity_record}. One run erases, each by its own retention, every {@link Erasable} the node has:
 * identity records and their notes, the provision log, the special-transfer and certificate-copy records, the legacy
 * folders' copies, dead letters, the evidence store and expired backups. Every {@code jukibus.erasure.interval}, and
 * "as of" an instant for drills and tests. A part that fails does not stop the others; the run then fails, naming it,
 * and runs again at the next interval. Each run that erased something is in the operation log with the counts.
 */
public final class CertainErasure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertainErasure.class);

    private final List<Erasable> parts;
    private final OperationLog audit;
    private final Clock clock;
    private PeriodicJob timer;

    public CertainErasure(List<Erasable> parts, OperationLog audit, Clock clock) {
        this.parts = List.copyOf(parts);
        this.audit = audit;
        this.clock = clock;
    }

    /** What this node erases, in the order of a run. */
    public List<String> parts() {
        return parts.stream().map(Erasable::what).toList();
    }

    /** A run as of the node clock. */
    public Map<String, Integer> erase() {
        return eraseAsOf(clock.instant());
    }

    /** Erases everything past its retention at {@code asOf}; returns the count per part. */
    public Map<String, Integer> eraseAsOf(Instant asOf) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        IllegalStateException failed = null;
        for (Erasable part : parts) {
            try {
                counts.put(part.what(), part.eraseAsOf(asOf));
            } catch (Exception e) {
                log.error("erasure of {} as of {} failed: {}", part.what(), asOf, e.getMessage(), e);
                if (failed == null) {
                    failed = new IllegalStateException("erasure of " + part.what() + " failed: " + e.getMessage(), e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (total > 0) {
            log.info("erasure as of {}: {}", asOf, counts);
            audit.record(AuditEvent.of(AuditKind.RECORDS_ERASED).detail("certain erasure as of " + asOf + ": " + counts));
        }
        if (failed != null) {
            throw failed;
        }
        return counts;
    }

    /** Runs now and then every {@code interval} on a daemon thread of its own. */
    public CertainErasure schedule(String node, Duration interval) {
        timer = PeriodicJob.start("erasure-" + node, Duration.ZERO, interval, this::erase);
        return this;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }
}
