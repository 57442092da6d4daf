package org.jukibus.terminal.task;

import java.util.List;

import org.jukibus.adapter.file.ErrorCode;

/**
 * A form the intake refused, as the drop folder would have refused the same document (its {@code .error} report's
 * code and problem): nothing was sent or registered, except under {@link ErrorCode#SENT_NOT_RECORDED}, where the
 * problem names the message(s) that left before a later step failed. {@link #field()} names the form field it is
 * about, when the problem names one.
 */
public class EntryRefusedException extends Exception {

    private final ErrorCode code;
    private final String field;
    private final List<String> sentIds;

    public EntryRefusedException(ErrorCode code, String problem, String field) {
        this(code, problem, field, List.of());
    }

    /** @param sentIds the ids of the messages that left before the failure (code {@link ErrorCode#SENT_NOT_RECORDED}) */
    public EntryRefusedException(ErrorCode code, String problem, String field, List<String> sentIds) {
        super(problem);
        this.code = code;
        this.field = field;
        this.sentIds = List.copyOf(sentIds);
    }

    public ErrorCode code() {
        return code;
    }

    /** The form field's key the problem is about, or null. */
    public String field() {
        return field;
    }

    /** Whether something left this node before the failure (the clerk must not enter it again). */
    public boolean sent() {
        return !sentIds.isEmpty();
    }

    /** The ids of the messages that left before the failure; empty when nothing was sent. */
    public List<String> sentIds() {
        return sentIds;
    }
}
