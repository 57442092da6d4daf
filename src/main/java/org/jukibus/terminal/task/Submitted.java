package org.jukibus.terminal.task;

/**
 * A form the intake took: under which name it is in the transfer ledger, and the message it became (null for a
 * registration that stays on this node).
 *
 * @param flow      the flow
 * @param inputName the input's name in the transfer ledger ({@code terminal-…xml})
 * @param messageId the message id, or null for a local flow
 * @param type      the message's type (e.g. {@code CertificateCopyRequest}), or null for a local flow
 */
public record Submitted(String flow, String inputName, String messageId, String type) {
}
