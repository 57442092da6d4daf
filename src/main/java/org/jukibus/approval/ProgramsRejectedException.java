package org.jukibus.approval;

/** The programs a node would load are not the ones the officer approved, or the approval itself is not acceptable. */
public class ProgramsRejectedException extends OfficerApprovalException {

    public ProgramsRejectedException(String message) {
        super(message);
    }

    public ProgramsRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
