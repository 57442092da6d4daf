package org.jukibus.evidence;

/** A kept envelope that does not verify, with the reason: what {@code jukibus evidence verify} reports. */
public final class EvidenceRejectedException extends Exception {

    /** Why a kept envelope fails verification. */
    public enum Reason {
        /** No envelope with that id is kept (never received, or erased after its retention). */
        NOT_KEPT,
        /** The kept envelope's bytes are not those recorded at arrival (their SHA-256 differs). */
        TAMPERED,
        /** A trust document the envelope was checked against at arrival is gone. */
        TRUST_MISSING,
        /** A kept trust document no longer has the digest it was kept under. */
        TRUST_TAMPERED,
        /** The CRL or directory in force at arrival does not verify with the root CA kept with it. */
        TRUST_INVALID,
        /** The sender had no certificate valid and unrevoked at arrival. */
        SENDER_NOT_VALID,
        /** The signature does not verify with the sender's certificate in force at arrival. */
        BAD_SIGNATURE,
        /** The signed header does not name what the index says. */
        HEADER_MISMATCH
    }

    private final Reason reason;

    public EvidenceRejectedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public EvidenceRejectedException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
