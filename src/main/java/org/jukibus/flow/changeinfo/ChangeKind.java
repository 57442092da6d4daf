package org.jukibus.flow.changeinfo;

import java.util.Optional;

/**
 * 異動の種別: what the certification authority learns about a certificate holder (standard
 * 第6の8(6)). Each identity record's change reason maps to at most one kind; a birth, a
 * registration or a correction concerns no certificate and is not sent.
 */
public enum ChangeKind {
    /** The address changed: transfer-in, transfer-out, or a move within the municipality (転居). */
    MOVE,
    /** The holder died. */
    DEATH,
    /** The name changed. */
    NAME_CHANGE,
    /** The resident record was deleted for another reason than death. */
    DELETION;

    /** The kind of an identity record's {@code change_reason}, or empty when the authority is not told of it. */
    public static Optional<ChangeKind> of(String changeReason) {
        return Optional.ofNullable(switch (changeReason) {
            case "TRANSFER_IN", "TRANSFER_OUT", "ADDRESS_CHANGE" -> MOVE;
            case "DEATH" -> DEATH;
            case "NAME_CHANGE" -> NAME_CHANGE;
            case "DELETION" -> DELETION;
            default -> null; // BIRTH, REGISTRATION, CORRECTION and anything unknown
        });
    }
}
