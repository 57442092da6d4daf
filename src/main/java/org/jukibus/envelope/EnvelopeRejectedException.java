package org.jukibus.envelope;

/** A message that can never be processed, whatever the number of retries. */
public class EnvelopeRejectedException extends Exception {
    private final RejectionReason reason;
    /**
     * The header, when the envelope was refused after its signature verified (its payload, its age, its sender's clock,
     * its signing certificate's validity at its createdAt); else null.
     */
    private EnvelopeHeader signedHeader;

    public EnvelopeRejectedException(RejectionReason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public EnvelopeRejectedException(RejectionReason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }

    /** Marks a refusal of a verified envelope (its payload): its sender is known, and may be told. */
    EnvelopeRejectedException signedBy(EnvelopeHeader header) {
        this.signedHeader = header;
        return this;
    }

    /**
     * {@code refused} (refused before any header verified) of an envelope whose {@code header} verified earlier and
     * whose bytes are unchanged since (a copy put back after a clock-ahead hold, flow.InboundDelivery): its sender is
     * known, and may be told. {@code detail} is added to the refusal's own.
     */
    public static EnvelopeRejectedException verifiedBefore(EnvelopeRejectedException refused, EnvelopeHeader header,
                                                           String detail) {
        String own = refused.getMessage().substring(refused.reason().name().length() + 2);
        return new EnvelopeRejectedException(refused.reason(), own + detail, refused).signedBy(header);
    }

    /**
     * The verified header of an envelope refused for its payload, its age, its sender's clock or its signing certificate's
     * validity, or null when the sender is not verified.
     */
    public EnvelopeHeader signedHeader() {
        return signedHeader;
    }
}
