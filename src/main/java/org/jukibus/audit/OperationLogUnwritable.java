package org.jukibus.audit;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The operation log cannot take an entry: its disk is full, its folder unwritable or gone, or an earlier write failed
 * and the chain stopped ({@link HashChainLog}). Every step that records fails the same way until the cause is fixed and
 * the node restarted, so a delivery that fails on it is an outage of something every delivery needs
 * (flow.DeliveryFailures: the inbound queue is suspended, its messages wait on the broker), never a fault of the message:
 * retried as one, a full disk dead-lettered a day's traffic within a minute.
 */
public final class OperationLogUnwritable extends UncheckedIOException {

    /** The cause an operator, a metric and a dead letter name it by. */
    public static final String REASON = "AUDIT_UNWRITABLE";

    public OperationLogUnwritable(String message, IOException cause) {
        super(message, cause);
    }
}
