package org.jukibus.erasure;

import org.jukibus.core.Erasable;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

import jakarta.jms.ConnectionFactory;

import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.QueueSweep;
import org.jukibus.management.DeadLetterQueue;
import org.jukibus.flow.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters ({@code jukibus.dlq}) may carry a payload in clear (a delivery that failed after it was opened): one
 * dead-lettered more than {@code jukibus.erasure.retention} ago (one refused with no verified header attributed to a signer:
 * more than {@code jukibus.erasure.unopened-retention} ago) (node clock, {@link Headers#REJECTED_AT_MILLIS}) is
 * removed (one the broker moved there itself by its send time), and the journal compacted so its bytes leave the
 * journal files too (the freed files are deleted). Removed by a {@link QueueSweep}, page files included, with bounded
 * memory (the queue pages after a long outage); if the broker still counts one past its term afterwards, the part
 * fails (the run fails, naming it, and runs again at the next interval), after compacting what it did remove.
 */
public final class DeadLetterErasure implements Erasable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterErasure.class);

    private final QueueSweep sweep;
    private final NodeBroker broker;
    private final Period retention;
    private final Period unopenedRetention;

    public DeadLetterErasure(ConnectionFactory local, NodeBroker broker, Period retention) {
        this(local, broker, retention, retention);
    }

    /** @param unopenedRetention of a dead letter refused with no verified header ({@link Headers#UNOPENED}) */
    public DeadLetterErasure(ConnectionFactory local, NodeBroker broker, Period retention, Period unopenedRetention) {
        this.sweep = new QueueSweep(local, broker.server(), DeadLetterQueue.QUEUE);
        this.broker = broker;
        this.retention = retention;
        this.unopenedRetention = unopenedRetention;
    }

    @Override
    public String what() {
        return "dead letters";
    }

    @Override
    public int eraseAsOf(Instant asOf) throws Exception {
        long cutoff = asOf.atZone(ZoneOffset.UTC).minus(retention).toInstant().toEpochMilli();
        long unopenedCutoff = asOf.atZone(ZoneOffset.UTC).minus(unopenedRetention).toInstant().toEpochMilli();
        if (broker.server().locateQueue(DeadLetterQueue.QUEUE) == null) {
            return 0;
        }
        QueueSweep.Swept swept = sweep.remove(pastRetention(cutoff, unopenedCutoff));
        if (swept.removed() > 0) {
            broker.compactJournal(); // the removed records' bytes stay in their journal file until it is compacted away
        }
        if (swept.walked()) {
            log.info("erasure of dead letters as of {}: {} removed, the queue taken from its head ({} others put back at "
                    + "its tail)", asOf, swept.removed(), swept.rewritten());
        }
        if (!swept.complete()) {
            throw new IllegalStateException(swept.removed() + " dead letters past their retention removed, but "
                    + swept.left() + " more are still on " + DeadLetterQueue.QUEUE + " (held by another consumer, such as "
                    + "an operator's replay, while the erasure ran): tried again at the next run");
        }
        return swept.removed();
    }

    /**
     * A selector: dead-lettered before {@code cutoff}; what the broker itself moved there (no rejection time) by its send
     * time; refused with no verified header ({@link Headers#UNOPENED}) before {@code unopenedCutoff}, unless its
     * sender is still owed a notice (a replay of this node's whose envelope no longer verified: OwedNotices tells it once
     * a replay no longer can deliver it, and needs the dead letter for that).
     */
    static String pastRetention(long cutoff, long unopenedCutoff) {
        return "(" + Headers.REJECTED_AT_MILLIS + " < " + cutoff + ") OR (" + Headers.REJECTED_AT_MILLIS
                + " IS NULL AND JMSTimestamp < " + cutoff + ") OR (" + Headers.UNOPENED + " = TRUE AND "
                + Headers.REJECTED_AT_MILLIS + " < " + unopenedCutoff + " AND (" + Headers.SENDER_NOTICE + " IS NULL OR "
                + Headers.SENDER_NOTICE + " <> 'OWED'))";
    }
}
