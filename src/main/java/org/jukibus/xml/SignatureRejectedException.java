package org.jukibus.xml;

/** A whole-document XML signature that is missing, of a shape we do not accept, or wrong. */
public class SignatureRejectedException extends Exception {
    public SignatureRejectedException(String message) {
        super(message);
    }

    public SignatureRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
