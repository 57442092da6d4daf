package org.jukibus.link;

/**
 * The peer's broker refused this one message on a line that stays up: an address it does not have (a flow newer than
 * its release), a permission it does not give this node. The message's own failure, not the peer's: the line is kept,
 * the peer is not marked down, the other messages to it go on (only a failed line or a peer that stopped answering
 * marks it down). The cause is the broker's answer.
 */
public class MessageRefusedException extends Exception {

    private final String reason;

    /** {@code reason}: the peer broker's own words, as {@link PeerText#of} leaves them (bounded, no line breaks). */
    public MessageRefusedException(String message, String reason, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public MessageRefusedException(String message, Throwable cause) {
        this(message, PeerText.of(message), cause);
    }

    /** Why the peer's broker refused it, in its words: bounded and escaped ({@link PeerText}), fit for a log or a header. */
    public String reason() {
        return reason;
    }
}
