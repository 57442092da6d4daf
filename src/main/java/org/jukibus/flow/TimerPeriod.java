package org.jukibus.flow;

import java.util.regex.Pattern;

/**
 * A period a route's Camel timer reads from a {@code jukibus.*} setting: a number with {@code ms}, {@code s},
 * {@code m} or {@code h}. Camel reads an ISO-8601 duration such as {@code PT10S} as 0 (a timer firing
 * continuously), so a node refuses any other form at start.
 */
public final class TimerPeriod {

    private static final Pattern CAMEL_DURATION = Pattern.compile("[1-9][0-9]*(ms|s|m|h)");

    private TimerPeriod() {
    }

    /** Returns {@code value}, or throws naming {@code key} when a timer would misread it. */
    public static String require(String key, String value) {
        if (value == null || !CAMEL_DURATION.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be a number with ms, s, m or h (10s, 1m), not '" + value + "'");
        }
        return value;
    }
}
