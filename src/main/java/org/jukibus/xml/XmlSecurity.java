package org.jukibus.xml;

import org.apache.xml.security.Init;

/**
 * One-time Santuario initialisation. Asks Santuario not to break base64 text into 76-character
 * lines ({@code org.apache.xml.security.ignoreLineBreaks}): this must happen before Santuario's
 * {@code XMLUtils} class is loaded, so call {@link #init()} early (the envelope classes do).
 */
public final class XmlSecurity {
    static {
        if (System.getProperty("org.apache.xml.security.ignoreLineBreaks") == null) {
            System.setProperty("org.apache.xml.security.ignoreLineBreaks", "true");
        }
        Init.init();
    }

    private XmlSecurity() {
    }

    /** Idempotent, thread-safe. */
    public static void init() {
        // the static initialiser does the work
    }
}
