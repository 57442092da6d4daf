package org.jukibus.flow.identity;

/** How a sent identity update reconciled against the receiver's update-count list. */
public enum Outcome {
    /** The list came back and says every record sent was recorded. */
    OK,
    /** The list came back and differs from what was sent (a refused record, a count that does not match). */
    MISMATCH,
    /** The list had not come back by the cut-off (by the start of the next operating day). */
    MISSING
}
