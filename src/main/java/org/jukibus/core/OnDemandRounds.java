package org.jukibus.core;

/**
 * Runs a job's rounds only while there is work (the receipt batches: flow.nondelivery.ReceiptBatchTicks), so a quiet
 * job is not a stopped one. What its liveness ({@link PeriodicJob#watched}) needs to know: since when a round has been
 * due.
 */
public interface OnDemandRounds {

    /** {@link #dueSinceNanos} when no round is due or running. */
    long IDLE = Long.MIN_VALUE;

    /**
     * Since when ({@link System#nanoTime}) a round has been due or running without a pause in between, or {@link #IDLE}
     * when none is.
     */
    long dueSinceNanos();
}
