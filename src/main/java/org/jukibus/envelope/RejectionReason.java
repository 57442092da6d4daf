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
    /**
     * Created (by its verified CreatedAt) more than the allowed clock skew after this node's now: the sender's clock is
     * ahead of this node's, or this node's behind. Its signer is told, with both times.
     */
    CLOCK_AHEAD,
    /** Signed with a key whose certificate had expired when the envelope says it was created. */
    SENDER_CERTIFICATE_EXPIRED,
    /** Signed with a key whose certificate was not yet valid when the envelope says it was created. */
    SENDER_CERTIFICATE_NOT_YET_VALID,
    REPLAY
}
