package org.jukibus.erasure;

import org.jukibus.core.Erasable;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.jukibus.broker.NodeBroker;
import org.jukibus.management.DeadLetterQueue;
import org.jukibus.flow.Headers;

/**
 * Dead letters ({@code jukibus.dlq}) may carry a payload in clear (a delivery that failed after it was opened): one
 * dead-lettered more than {@code jukibus.erasure.retention} ago (node clock, {@link Headers#REJECTED_AT_MILLIS}) is
 * removed (one the broker moved there itself by its send time), and the journal compacted so its bytes leave the journal files too (the freed files are deleted).
 */
final class DeadLetterErasure implements Erasable {

    private final NodeBroker broker;
    private final Period retention;

    DeadLetterErasure(NodeBroker broker, Period retention) {
        this.broker = broker;
        this.retention = retention;
    }

    @Override
    public String what() {
        return "dead letters";
    }

    @Override
    public int eraseAsOf(Instant asOf) throws Exception {
        long cutoff = asOf.atZone(ZoneOffset.UTC).minus(retention).toInstant().toEpochMilli();
        QueueControl dlq = (QueueControl) broker.server().getManagementService().getResource(ResourceNames.QUEUE + DeadLetterQueue.QUEUE);
        if (dlq == null) {
            return 0;
        }
        // what the broker itself moved there (its own delivery limit, an expiry) has no rejection time: its send time then
        int removed = dlq.removeMessages("(" + Headers.REJECTED_AT_MILLIS + " < " + cutoff + ") OR ("
                + Headers.REJECTED_AT_MILLIS + " IS NULL AND AMQTimestamp < " + cutoff + ")");
        if (removed > 0) {
            broker.compactJournal(); // the removed records' bytes stay in their journal file until it is compacted away
        }
        return removed;
    }
}
