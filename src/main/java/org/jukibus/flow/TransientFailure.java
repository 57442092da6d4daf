package org.jukibus.flow;

/**
 * A failure a later attempt may cure (a peer system down, answering 5xx): the broker redelivers the
 * message with backoff; when the attempts run out it goes to the dead-letter queue with
 * {@link #reason()} rather than the generic {@code RETRIES_EXHAUSTED}.
 * <p>
 * Most are an outage of something every delivery needs (the legacy outbox, the evidence disk, the certification
 * authority): the inbound queue's delivery is then suspended until it passes ({@link DeliverySuspension}). One that
 * concerns this message alone (another copy of it in flight, a receipt batch overtaking its own send) is made with
 * {@link #ofThisMessage}: it must not stop the other messages, least of all those of other senders, since a peer can
 * cause it with its own messages.
 */
public class TransientFailure extends Exception {
    private final String reason;
    private final boolean outage;

    public TransientFailure(String reason, String detail, Throwable cause) {
        this(reason, detail, cause, true);
    }

    private TransientFailure(String reason, String detail, Throwable cause, boolean outage) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
        this.outage = outage;
    }

    /** A transient failure of this message alone: it waits, the queue's other messages go on. */
    public static TransientFailure ofThisMessage(String reason, String detail, Throwable cause) {
        return new TransientFailure(reason, detail, cause, false);
    }

    public String reason() {
        return reason;
    }

    /** True if something every delivery needs is out, false if only this message must wait. */
    public boolean outage() {
        return outage;
    }
}
