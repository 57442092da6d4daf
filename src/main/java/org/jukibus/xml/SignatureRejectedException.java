package org.jukibus.xml;

/** A whole-document XML signature that is missing, of a shape we do not accept, or wrong. */
public class SignatureRejectedException extends Exception {

    /** What was wrong with the signature. */
    public enum Reason {
        /** The document carries no ds:Signature at all. */
        MISSING,
        /** The signature is not the one accepted shape: count, placement, structure, algorithms, KeyInfo, key type. */
        NOT_ACCEPTED,
        /** The signature has the accepted shape but does not verify: the signed content or the signature value was changed, or another key signed. */
        DOES_NOT_VERIFY
    }

    private final Reason reason;

    public SignatureRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SignatureRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
