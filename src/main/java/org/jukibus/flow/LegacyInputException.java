package org.jukibus.flow;

import org.jukibus.adapter.file.CodedRejection;
import org.jukibus.adapter.file.ErrorCode;

/**
 * A legacy input file that cannot be sent as it is; the message names what is wrong with it, the code says which kind
 * of problem it is (the {@code code:} line of the {@code .error} report). Without a code, it is a rule of the flow.
 */
public class LegacyInputException extends Exception implements CodedRejection {

    private final ErrorCode code;

    public LegacyInputException(String message) {
        this(ErrorCode.FLOW_RULE, message);
    }

    public LegacyInputException(String message, Throwable cause) {
        this(ErrorCode.FLOW_RULE, message, cause);
    }

    public LegacyInputException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public LegacyInputException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    @Override
    public ErrorCode code() {
        return code;
    }
}
