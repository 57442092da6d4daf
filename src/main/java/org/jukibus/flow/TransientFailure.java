package org.jukibus.flow;

/**
 * A failure a later attempt may cure (a peer system down, answering 5xx): the broker redelivers the
 * message with backoff; when the attempts run out it goes to the dead-letter queue with
 * {@link #reason()} rather than the generic {@code RETRIES_EXHAUSTED}.
 */
public class TransientFailure extends Exception {
    private final String reason;

    public TransientFailure(String reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
