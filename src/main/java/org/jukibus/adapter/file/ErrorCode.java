package org.jukibus.adapter.file;

/**
 * The machine-readable reason of a report in the legacy error folder: its {@code code:} line, beside the human text
 * of its {@code problem:} line, so a legacy system can act on a report without parsing prose (docs/legacy-files.md).
 */
public enum ErrorCode {
    /** Not well-formed XML, or not valid against the flow's schema. */
    SCHEMA,
    /** Larger than {@code jukibus.envelope.max-bytes}; not read. */
    TOO_LARGE,
    /** A symbolic link or other non-regular file; not followed, not read. */
    NOT_A_FILE,
    /** A resident code with a wrong check digit. */
    INVALID_RESIDENT_CODE,
    /** The file names another municipality than this node as its sender. */
    WRONG_SENDER,
    /** The recipient is not in the node directory, not of the right role, or this node itself. */
    WRONG_RECIPIENT,
    /** The flow's business key was sent before. */
    DUPLICATE,
    /** A rule of the flow (docs/legacy-files.md, per flow) refuses it. */
    FLOW_RULE,
    /** The flow takes no files from the legacy system. */
    NO_LOCAL_INPUT,
    /** A delivered answer that came after its request was closed (kept, not delivered). */
    LATE_ANSWER,
    /** A delivered answer to no request of this node (kept, not delivered). */
    UNEXPECTED_ANSWER,
    /** A request had no answer in time ({@code .timeout} report). */
    NO_ANSWER,
    /** The other node's answer to a first transfer-in: no, or different, transfer-out certificate info. */
    CERTIFICATE_INFO_REFUSED,
    /**
     * Some or all of its messages were sent before a later step failed (the report's {@code sent:} line names them):
     * never correct it or send them again; drop the same file again, unchanged, once the cause is fixed.
     */
    SENT_NOT_RECORDED,
    /** The node failed to handle it (its log says why): drop it again once the cause is fixed. */
    FAILED
}
