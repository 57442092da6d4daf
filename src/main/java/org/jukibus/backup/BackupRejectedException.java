package org.jukibus.backup;

/** A backup archive, or the place it would be restored to, that a restore refuses; the message says why. */
public class BackupRejectedException extends IllegalArgumentException {

    public BackupRejectedException(String message) {
        super(message);
    }
}
