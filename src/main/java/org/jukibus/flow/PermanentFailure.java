package org.jukibus.flow;

/** A failure no retry can cure; the message goes to the dead-letter queue with {@link #reason()}. */
public class PermanentFailure extends Exception {
    private final String reason;

    public PermanentFailure(String reason, String detail) {
        this(reason, detail, null);
    }

    public PermanentFailure(String reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
