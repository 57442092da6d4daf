package org.jukibus.provision;

/** A query the provision channel refuses, with the {@link ProvisionError} code and a message naming what was wrong. */
public final class ProvisionRefused extends Exception {

    private final ProvisionError error;

    public ProvisionRefused(ProvisionError error, String message) {
        super(message);
        this.error = error;
    }

    public ProvisionError error() {
        return error;
    }

    @Override
    public String toString() {
        return error + ": " + getMessage();
    }
}
