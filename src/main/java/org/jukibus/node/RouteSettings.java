package org.jukibus.node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jukibus.core.TimerIntervals;

/**
 * The settings that only the routes read (as {@code {{jukibus.…}}} placeholders in routes/), checked at start: nothing
 * else binds them, and a value out of range does not fail, it misbehaves for as long as the node runs. A negative
 * {@code jukibus.delivery.receive-timeout} made every idle consumer spin a core; 0 waits for ever, so the consumers
 * never see the node stop; a timer period Camel reads as 0 fires once and never again (a silent stop). A wrong value
 * stops the start with one message naming every setting, its value and the range allowed.
 */
final class RouteSettings {

    private RouteSettings() {
    }

    /** A whole number of milliseconds or a count, and its range. */
    private record Range(String key, long min, long max, String unit) {
    }

    private static final List<Range> RANGES = List.of(
            new Range("jukibus.delivery.receive-timeout", 100, 60_000, "milliseconds"),
            new Range("jukibus.delivery.consumers", 1, 64, ""),
            new Range("jukibus.legacy.poll-delay", 10, 3_600_000, "milliseconds"),
            new Range("jukibus.legacy.intake-threads", 1, 64, ""),
            new Range("jukibus.trust.publish-poll", 10, 3_600_000, "milliseconds"));

    /** Timer periods bound nowhere else in the form Camel reads ({@link TimerIntervals}). */
    private static final List<String> TIMER_PERIODS = List.of(
            "jukibus.monitoring.check-interval",
            "jukibus.monitoring.heartbeat-interval",
            "jukibus.trust.crl-renewal.check-interval");

    private static final java.util.regex.Pattern MILLIS = java.util.regex.Pattern.compile("(-?[0-9]+)(ms|s|m)?");

    /** A count, or null if it is none. */
    private static Long count(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Milliseconds as the route's endpoint option reads them ({@code 3000}, {@code 3s}, {@code 500ms}), or null. */
    private static Long millis(String value) {
        java.util.regex.Matcher m = MILLIS.matcher(value);
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "s" -> Math.multiplyExact(n, 1000L);
                case "m" -> Math.multiplyExact(n, 60_000L);
                default -> n;
            };
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * @param property the node's setting by key, null when not set (the route's default applies)
     * @throws IllegalStateException listing every setting out of range
     */
    static void check(Function<String, String> property) {
        List<String> problems = new ArrayList<>();
        for (Range range : RANGES) {
            String value = property.apply(range.key());
            if (value == null) {
                continue;
            }
            String allowed = range.min() + " to " + range.max() + (range.unit().isEmpty() ? "" : " " + range.unit());
            Long n = range.unit().isEmpty() ? count(value.trim()) : millis(value.trim());
            if (n == null) {
                problems.add(range.key() + " must be " + (range.unit().isEmpty() ? "a whole number" : "a whole number of"
                        + " milliseconds (or with ms, s or m)") + ", " + allowed + ", not '" + value + "'");
            } else if (n < range.min() || n > range.max()) {
                problems.add(range.key() + " must be " + allowed + ", not " + value.trim());
            }
        }
        for (String key : TIMER_PERIODS) {
            String value = property.apply(key);
            if (value != null) {
                try {
                    TimerIntervals.require(key, value.trim());
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("node configuration is wrong:\n  - " + String.join("\n  - ", problems));
        }
    }
}
