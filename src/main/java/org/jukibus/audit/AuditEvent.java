package org.jukibus.audit;

import java.util.Objects;

/**
 * What a hook hands to the {@link OperationLog}: the kind, who acted, and the ids of the message it is
 * about. Built fluently: {@code AuditEvent.of(MESSAGE_FORWARDED).flow(f).message(id, type).recipient(r).digestOf(envelope)}.
 * Never personal data: the payload itself is only ever present as the SHA-256 of its (encrypted) envelope.
 * Values from outside (a peer's JMS properties on a dead letter) are cut to {@value #MAX_ID} characters
 * ({@value #MAX_DETAIL} for the detail).
 *
 * @param actor     who did it: {@code operator:<name>}, {@code officer:<name>}, {@code jmx}; null means the node itself
 * @param flow      the flow (transfer-in, receipt …)
 * @param messageId the envelope's message id
 * @param type      the message type (TransferInNotice …)
 * @param sender    the sending node's code
 * @param recipient the receiving node's code
 * @param digest    SHA-256 (hex) of the envelope or file the entry is about
 * @param detail    a short note without personal data (a reject reason, a queue name, a count)
 */
public record AuditEvent(AuditKind kind, String actor, String flow, String messageId, String type, String sender,
                         String recipient, String digest, String detail) {

    static final int MAX_ID = 256;
    static final int MAX_DETAIL = 2048;

    public AuditEvent {
        Objects.requireNonNull(kind, "kind");
        actor = cut(actor, MAX_ID);
        flow = cut(flow, MAX_ID);
        messageId = cut(messageId, MAX_ID);
        type = cut(type, MAX_ID);
        sender = cut(sender, MAX_ID);
        recipient = cut(recipient, MAX_ID);
        digest = cut(digest, MAX_ID);
        detail = cut(detail, MAX_DETAIL);
    }

    public static AuditEvent of(AuditKind kind) {
        return new AuditEvent(kind, null, null, null, null, null, null, null, null);
    }

    public AuditEvent actor(String actor) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    public AuditEvent flow(String flow) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    public AuditEvent message(String messageId, String type) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    public AuditEvent sender(String sender) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    public AuditEvent recipient(String recipient) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    public AuditEvent digest(String digest) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    /** The SHA-256 of the bytes (an envelope, a file) the entry is about; null stays null. */
    public AuditEvent digestOf(byte[] content) {
        return digest(content == null ? null : Sha256.hex(content));
    }

    public AuditEvent detail(String detail) {
        return new AuditEvent(kind, actor, flow, messageId, type, sender, recipient, digest, detail);
    }

    private static String cut(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        return value.substring(0, max - 1) + "…";
    }
}
