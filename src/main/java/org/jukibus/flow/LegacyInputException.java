package org.jukibus.flow;

/** A legacy input file that cannot be sent as it is; the message names what is wrong with it. */
public class LegacyInputException extends Exception {
    public LegacyInputException(String message) {
        super(message);
    }

    public LegacyInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
