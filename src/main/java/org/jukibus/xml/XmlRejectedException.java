package org.jukibus.xml;

/** Untrusted XML refused by {@link SecureXml} or {@link Schemas}; the message says what was wrong. */
public class XmlRejectedException extends Exception {

    /** What was wrong with the input. */
    public enum Reason {
        /** Larger than the allowed number of bytes (checked before parsing). */
        OVERSIZE,
        /** Carries a DOCTYPE declaration (DTDs and entities are never processed). */
        DTD,
        /** Not well-formed XML. */
        MALFORMED,
        /** Elements nested deeper than allowed. */
        TOO_DEEP,
        /** Well-formed but not valid against its XML Schema. */
        SCHEMA_INVALID
    }

    private final Reason reason;

    public XmlRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public XmlRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
