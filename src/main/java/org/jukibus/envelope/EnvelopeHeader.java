package org.jukibus.envelope;

import java.time.Instant;
import java.util.Objects;

/**
 * The clear-text header of an envelope. It is covered by the sender's signature but not encrypted,
 * so it must never carry personal data: only ids, the message type and node codes.
 *
 * @param messageId     unique id of this message (UUID), used for replay and duplicate detection
 * @param type          message type, e.g. {@code TransferInNotice}; selects the payload schema
 * @param sender        local government / node code of the signing node
 * @param recipient     code of the only node that can decrypt the payload
 * @param createdAt     when the sender sealed it; the receiver refuses messages outside its window
 * @param correlationId id of the message this one answers (receipts, replies), or null
 */
public record EnvelopeHeader(String messageId, String type, String sender, String recipient,
                             Instant createdAt, String correlationId) {
    public EnvelopeHeader {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
