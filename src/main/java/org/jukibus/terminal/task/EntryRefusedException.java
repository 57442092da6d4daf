package org.jukibus.terminal.task;

import org.jukibus.adapter.file.ErrorCode;

/**
 * A form the intake refused, as the drop folder would have refused the same document (its {@code .error} report's
 * code and problem): nothing was sent or registered. {@link #field()} names the form field it is about, when the
 * problem names one.
 */
public class EntryRefusedException extends Exception {

    private final ErrorCode code;
    private final String field;

    public EntryRefusedException(ErrorCode code, String problem, String field) {
        super(problem);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The form field's key the problem is about, or null. */
    public String field() {
        return field;
    }
}
