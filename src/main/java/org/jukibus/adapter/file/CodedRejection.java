package org.jukibus.adapter.file;

/**
 * An exception that says which kind of problem refused a legacy input ({@link ErrorCode}, the {@code code:} line of
 * its report). An interface here so that the drop-folder code reads the code without knowing the flows that throw.
 */
public interface CodedRejection {

    ErrorCode code();
}
