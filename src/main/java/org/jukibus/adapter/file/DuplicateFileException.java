package org.jukibus.adapter.file;

/** A legacy input whose content was already queued once (see {@link TransferLedger}): it is not sent again. */
public final class DuplicateFileException extends Exception {

    public DuplicateFileException(String message) {
        super(message);
    }
}
