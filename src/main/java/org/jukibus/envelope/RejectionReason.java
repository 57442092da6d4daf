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
    REPLAY;

    /**
     * The refusals of a verified envelope for its time (its createdAt against this node's clock or against its signing
     * certificate's dates): they carry the verified header ({@link EnvelopeRejectedException#signedHeader}), are told to
     * the signer once the seen messages say the envelope was never delivered, and once told are final (flow.SeenMessages
     * records the id, so no later copy or replay is delivered). The one set InboundDelivery and NonDeliveryNotices use.
     */
    public static final java.util.Set<RejectionReason> TIMED = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.of(EXPIRED, CLOCK_AHEAD, SENDER_CERTIFICATE_EXPIRED, SENDER_CERTIFICATE_NOT_YET_VALID));

    /** Whether {@code code} names a reason of {@link #TIMED}. */
    public static boolean timed(String code) {
        for (RejectionReason r : TIMED) {
            if (r.name().equals(code)) {
                return true;
            }
        }
        return false;
    }
}
