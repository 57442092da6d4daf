package org.jukibus.flow;

/**
 * Gives the senders of dead letters the non-delivery notices they are owed ({@link Headers#SENDER_NOTICE} OWED)
 * before those dead letters are removed for good: a purge must not end a message silently for its sender.
 * Implemented by the delivery-status package (flow.nondelivery.OwedNotices); called by the dead-letter tooling.
 */
@FunctionalInterface
public interface OwedNoticeGiver {

    /** A selector: a dead letter whose sender is owed a notice and that names it (the only ones that can be told). */
    String TELLABLE = Headers.SENDER_NOTICE + " = 'OWED' AND " + Headers.SENDER + " IS NOT NULL AND "
            + Headers.MESSAGE_ID + " IS NOT NULL";
    /** A selector: every other dead letter (spelled out: a selector's NOT of an absent header is not true). */
    String NOT_TELLABLE = "(" + Headers.SENDER_NOTICE + " IS NULL OR " + Headers.SENDER_NOTICE + " <> 'OWED' OR "
            + Headers.SENDER + " IS NULL OR " + Headers.MESSAGE_ID + " IS NULL)";

    /**
     * Takes off {@code jukibus.dlq} each dead letter {@code selector} picks (null: all) whose sender is owed a notice,
     * and sends that notice, in one broker transaction per dead letter; returns how many it took.
     */
    int tellAndRemove(String selector) throws Exception;
}
