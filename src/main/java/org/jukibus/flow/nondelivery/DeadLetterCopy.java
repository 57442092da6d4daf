package org.jukibus.flow.nondelivery;

import java.time.Instant;
import java.util.Collections;
import java.util.Set;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

import org.jukibus.flow.Headers;

/**
 * A dead letter put back on {@code jukibus.dlq} with a new sender-notice mark ({@link OwedNotices},
 * {@link UnmarkedDeadLetters}): its body and Jukibus headers as they were, a new duplicate id (a new message, so its
 * {@code ID:} changes; its reason, detail and times do not).
 */
final class DeadLetterCopy {

    /** What a copy gets anew, never from the dead letter it was made from. */
    private static final Set<String> NOT_COPIED = Set.of(Headers.SENDER_NOTICE, Headers.SENDER_TOLD_AT,
            Headers.SENDER_NOT_TOLD, Headers.SENDER_NOT_TOLD_AT_MILLIS);

    private DeadLetterCopy() {
    }

    /** {@code dead} again, marked {@code notice} (null: no mark), and told at {@code toldAt} if that is not null. */
    @SuppressWarnings("unchecked")
    static BytesMessage of(Session s, BytesMessage dead, String notice, Instant toldAt) throws JMSException {
        BytesMessage copy = s.createBytesMessage();
        copy.writeBytes(body(dead));
        for (String name : Collections.list((java.util.Enumeration<String>) dead.getPropertyNames())) {
            if (name.startsWith("Jukibus") && !NOT_COPIED.contains(name)) {
                copy.setObjectProperty(name, dead.getObjectProperty(name));
            }
        }
        if (notice != null) {
            copy.setStringProperty(Headers.SENDER_NOTICE, notice);
        }
        if (toldAt != null) {
            copy.setStringProperty(Headers.SENDER_TOLD_AT, toldAt.toString());
        }
        copy.setStringProperty(Headers.DUPLICATE_ID, "owed:" + dead.getJMSMessageID());
        return copy;
    }

    static byte[] body(BytesMessage dead) throws JMSException {
        dead.reset();
        byte[] bytes = new byte[(int) dead.getBodyLength()];
        dead.readBytes(bytes);
        return bytes;
    }
}
