package org.jukibus.flow.identity;

/**
 * 異動事由: why a municipality recorded a new identity record (第6の6(1): a resident record written,
 * deleted, or an item of it corrected). The last three delete the resident record (住民票の消除): the
 * identity record they bring is the person's deleted marker, and erasure (第6の7) counts from it.
 */
public enum ChangeReason {
    BIRTH, TRANSFER_IN, REGISTRATION, ADDRESS_CHANGE, NAME_CHANGE, CORRECTION, TRANSFER_OUT, DEATH, DELETION;

    /** Whether a record of this reason marks the person's resident record as deleted (消除). */
    public boolean deletes() {
        return this == TRANSFER_OUT || this == DEATH || this == DELETION;
    }
}
