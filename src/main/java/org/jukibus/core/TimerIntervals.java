package org.jukibus.core;

import java.util.regex.Pattern;

/**
 * Settings that a route's Camel timer reads as its period ({@code 10s}, {@code 1m}, {@code 500ms}, {@code 1h}).
 * Camel reads an ISO-8601 duration such as {@code PT10S} as 0, which Spring would accept: such
 * settings take only the form both read alike, and the node refuses any other at start.
 */
public final class TimerIntervals {

    private static final Pattern CAMEL_DURATION = Pattern.compile("[1-9][0-9]*(ms|s|m|h)");

    private TimerIntervals() {
    }

    /** The value, if it is a number with ms, s, m or h; otherwise an error naming the setting. */
    public static String require(String key, String value) {
        if (value == null || !CAMEL_DURATION.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be a number with ms, s, m or h (10s, 1m), not '" + value + "'");
        }
        return value;
    }
}
