package org.jukibus.directory;

/**
 * A directory or CRL offered to {@link NetworkTrust} that is not taken: {@link #reason()} is the dead-letter
 * reason code (ROLLBACK, EXPIRED, INVALID).
 */
public final class TrustRejectedException extends Exception {

    private final String reason;

    public TrustRejectedException(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public TrustRejectedException(String reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
