package org.jukibus.approval;

/** A document is not acceptable as approved by the responsible officer ({@link OfficerSignature}); the message says why. */
public class OfficerApprovalException extends Exception {

    public OfficerApprovalException(String message) {
        super(message);
    }

    public OfficerApprovalException(String message, Throwable cause) {
        super(message, cause);
    }
}
