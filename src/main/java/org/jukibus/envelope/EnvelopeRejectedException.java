package org.jukibus.envelope;

/** A message that can never be processed, whatever the number of retries. */
public class EnvelopeRejectedException extends Exception {
    private final RejectionReason reason;

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
}
