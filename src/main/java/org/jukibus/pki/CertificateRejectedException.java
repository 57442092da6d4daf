package org.jukibus.pki;

/** A certificate failed validation against the network root CA; {@link #reason()} says why. */
public class CertificateRejectedException extends Exception {

    /** Why a certificate was rejected. */
    public enum Reason {
        EXPIRED, NOT_YET_VALID, REVOKED, UNKNOWN_ISSUER, NOT_A_NODE_CERTIFICATE, NOT_AN_OFFICER_CERTIFICATE, NOT_A_REQUESTER_CERTIFICATE, NOT_AN_OPERATOR_CERTIFICATE, NOT_A_MONITORING_CERTIFICATE, WRONG_ROLE,
        CRL_PROBLEM, INVALID
    }

    private final Reason reason;

    public CertificateRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public CertificateRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
