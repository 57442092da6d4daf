package org.jukibus.audit;

/**
 * The node's operation log (操作履歴, standard 第4の4(6)): every operation and every message the node
 * sends or receives, for the audit of its lawful use. Callers record an event once the step is done;
 * {@link #record} returns when the entry is on disk, and throws if it cannot be written, so the step's
 * transaction rolls back rather than go unrecorded. Entries never carry personal data: ids, codes, the
 * SHA-256 of an envelope, an operator's name. Thread-safe.
 */
public interface OperationLog {

    /** Appends the event; returns once it is durable. */
    void record(AuditEvent event);

    /**
     * Appends the events in turn; returns once all are durable. A log on disk syncs them once (a batch of forwarded
     * messages, issue 19); if one cannot be written, those before it may be on disk and it throws as {@link #record}.
     */
    default void recordAll(java.util.List<AuditEvent> events) {
        events.forEach(this::record);
    }

    /**
     * Why the log takes no more entries, or null while it does. A log that failed to write stays failed (a partly
     * written line must not be followed by others in the chain), so every step that records fails from then on:
     * the node reports it in its health (and so in its heartbeat and readiness) instead of looking well.
     */
    default String failure() {
        return null;
    }
}
