package org.jukibus.envelope;

/**
 * A payload that is not the registered type's document (wrong root element, not well-formed, not valid
 * against its schema); the message names what is wrong. The legacy intake reports it in the file's .error report.
 */
public class PayloadRejectedException extends Exception {
    public PayloadRejectedException(String message) {
        super(message);
    }

    public PayloadRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
