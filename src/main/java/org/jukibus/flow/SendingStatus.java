package org.jukibus.flow;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The delivery status (送達状況) of a message sealed from a legacy input, opened before it is sent, in the store
 * transaction that keeps its payload and its envelope's digest ({@link SentPayloads#keep}): a crash or a store failure
 * can no longer leave a sent message without a status, whose receipt would then be skipped and which the overdue
 * report would call never acknowledged. flow.nondelivery.DeliveryStatus is the one implementation; an interface here so
 * that the common flow code does not depend on one flow's package (as {@link AnswerRecorder}).
 */
public interface SendingStatus {

    /**
     * Opens the status of {@code messageId} to {@code recipient} in {@code c}'s transaction; one that exists (the file
     * picked up again after a crash) is kept as it is, open or closed.
     */
    void open(Connection c, String messageId, FlowDefinition flow, String recipient, String envelopeSha256, Instant at)
            throws SQLException;

    /**
     * The send of an opened message failed and its input was refused (error folder, the terminal's form): closes its
     * status as not delivered with {@code reason}, so that no overdue report follows; a receipt that comes after all
     * (a send that failed after the broker took it) still marks it delivered.
     */
    void notSent(String messageId, String recipient, String reason);
}
