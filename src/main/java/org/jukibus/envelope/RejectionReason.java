package org.jukibus.envelope;

/**
 * Why a message was refused for good. The name travels in the dead-letter queue's
 * {@code JukibusRejectReason} header so an operator sees it without reading logs.
 */
public enum RejectionReason {
    OVERSIZE,
    MALFORMED,
    SCHEMA_INVALID,
    UNKNOWN_SENDER,
    BAD_SIGNATURE,
    UNDECRYPTABLE,
    WRONG_RECIPIENT,
    EXPIRED,
    REPLAY
}
