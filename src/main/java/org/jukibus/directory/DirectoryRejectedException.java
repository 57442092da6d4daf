package org.jukibus.directory;

/** A node directory was not accepted (unsigned, tampered, wrong signer, schema-invalid, DTD, oversize...). */
public class DirectoryRejectedException extends Exception {

    public DirectoryRejectedException(String message) {
        super(message);
    }

    public DirectoryRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
