package org.jukibus.flow.identity;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 本人確認情報の消去 (erasure of identity information, standard 第6の7): deletes, for good, every identity
 * record older than the retention — superseded by a newer record of the person more than the
 * retention ago, or the person's deleted marker (a record whose change reason deletes the resident
 * record) recorded more than the retention ago. On a municipal node the retention is 5 years
 * (第6の7(1), fixed); on prefecture and central nodes {@code jukibus.identity.erasure.retention}
 * (第6の7(2): the period of 令第30条の6 / 第30条の11). Rows are deleted, not flagged; notes that hang on an
 * erased record (the prefecture's transfer-out annotations) go with it. Each run is logged and, when it
 * erased anything, recorded in the operation log with the count.
 */
public final class IdentityErasure {

    /** The municipal node's retention, fixed by 第6の7(1). */
    public static final Period MUNICIPAL_RETENTION = Period.ofYears(5);

    private static final Logger log = LoggerFactory.getLogger(IdentityErasure.class);

    private static final String EXPIRED = """
            (superseded_at < ? or (superseded_at is null and change_reason in ('TRANSFER_OUT', 'DEATH', 'DELETION')
                                   and recorded_at < ?))""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Period retention;
    private final ZoneId zone;
    private final boolean annotations;
    private final OperationLog audit;
    private final Clock clock;

    /**
     * @param annotations whether this node's store has {@code transfer_out_annotation} (prefecture nodes)
     */
    public IdentityErasure(JdbcTemplate jdbc, TransactionTemplate transactions, Period retention, ZoneId zone,
                           boolean annotations, OperationLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.retention = retention;
        this.zone = zone;
        this.annotations = annotations;
        this.audit = audit;
        this.clock = clock;
    }

    /** The scheduled run ({@code jukibus.identity.erasure.interval}). */
    public int erase() {
        return erase(clock.instant());
    }

    /**
     * Erases what is past its retention at {@code asOf}.
     *
     * @return how many identity records were erased
     */
    public int erase(Instant asOf) {
        Timestamp limit = Timestamp.from(asOf.atZone(zone).minus(retention).toInstant());
        int[] counts = new int[2];
        transactions.executeWithoutResult(tx -> {
            if (annotations) {
                counts[1] = jdbc.update("delete from transfer_out_annotation where identity_record_id in "
                        + "(select id from identity_record where " + EXPIRED + ")", limit, limit);
            }
            // one statement: a record and the older one pointing at it (superseded_by) go together
            counts[0] = jdbc.update("delete from identity_record where " + EXPIRED, limit, limit);
        });
        String detail = counts[0] + " identity records erased (retention " + retention + ", older than " + limit.toInstant()
                + ")" + (annotations ? ", " + counts[1] + " transfer-out annotations with them" : "");
        if (counts[0] > 0 || counts[1] > 0) {
            log.info("erasure: {}", detail);
            audit.record(AuditEvent.of(AuditKind.RECORDS_ERASED).flow(IdentityFlow.UPDATE_NAME).detail(detail));
        } else {
            log.debug("erasure: nothing past its retention ({})", retention);
        }
        return counts[0];
    }

    public Period retention() {
        return retention;
    }
}
