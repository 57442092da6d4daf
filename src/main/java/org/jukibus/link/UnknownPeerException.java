package org.jukibus.link;

/** The recipient is not (or no longer) in the signed directory: retrying cannot help. */
public class UnknownPeerException extends Exception {
    public UnknownPeerException(String message) {
        super(message);
    }
}
