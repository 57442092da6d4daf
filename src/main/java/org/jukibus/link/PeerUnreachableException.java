package org.jukibus.link;

/** No line to a peer could be opened now; the message stays queued and is retried with backoff. */
public class PeerUnreachableException extends Exception {
    public PeerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
