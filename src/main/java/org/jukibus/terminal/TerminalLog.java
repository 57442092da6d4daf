package org.jukibus.terminal;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;

/**
 * Writes what an operator did at the terminal to the node's operation log (操作履歴, 第4の4(6)): kind
 * {@code OPERATION}, actor {@code operator:<id>}, detail {@code terminal <task>: <what>}. Like every entry, never
 * personal data: a check id, a message id, a count, an outcome, but no resident code or name. {@link #record}
 * returns once the entry is on disk and throws if it cannot be written: a task records before it shows the result,
 * so nothing is shown that is not logged.
 */
public final class TerminalLog {

    private final OperationLog log;

    public TerminalLog(OperationLog log) {
        this.log = log;
    }

    /** The current operator did {@code what} in {@code task}. */
    public void record(String task, String what) {
        log.record(event(task, what));
    }

    /** The current operator did {@code what} in {@code task} about one message (its flow, id and type). */
    public void record(String task, String what, String flow, String messageId, String type) {
        log.record(event(task, what).flow(flow).message(messageId, type));
    }

    private static AuditEvent event(String task, String what) {
        return AuditEvent.of(AuditKind.OPERATION).actor(TerminalOperator.current().actor()).detail("terminal " + task + ": " + what);
    }
}
