package org.jukibus.flow;

import org.jukibus.core.PeriodicJob;
import java.time.Duration;
import java.sql.SQLException;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets, every hour, what a node keeps only for the outage window: the ids of delivered messages
 * ({@link SeenMessages}), the payloads of sent ones ({@link SentPayloads}) and what became of them
 * (the delivery status, {@code flow.nondelivery.SentMessages}). By the node clock, but never ahead of the
 * system's ({@link org.jukibus.clock.NodeClock#forForgetting}): a clock drill that moves the clock forward and back
 * again must not make the node forget ids still inside the window. A failure is logged and tried again an hour later.
 */
public final class OutageWindowPurge implements AutoCloseable {

    /** One kind of entry to forget; returns how many went. */
    @FunctionalInterface
    public interface Purge {
        int purge() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(OutageWindowPurge.class);

    private final PeriodicJob scheduler;

    /** @param purges by what they forget, for the log */
    public OutageWindowPurge(Map<String, Purge> purges) {
        scheduler = PeriodicJob.start("outage-window-purge", Duration.ofMinutes(1), Duration.ofHours(1), () -> purges.forEach(this::run));
    }

    private void run(String what, Purge purge) {
        try {
            int n = purge.purge();
            if (n > 0) {
                log.info("forgot {} {} older than the outage window", n, what);
            }
        } catch (SQLException | RuntimeException e) {
            // ERROR: what is not forgotten piles up, and some of it (sent payloads) is personal data
            log.error("could not forget old {} (will try again in an hour): {}", what, e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
