package org.jukibus.bench;

import java.util.concurrent.Callable;

/**
 * Warm-up until throughput is steady: windows are run until two consecutive ones are within
 * {@code tolerance} of each other (the JIT compilers are then mostly done with the hot code), or
 * {@code maxWindows} have run, which the report then says.
 */
final class WarmUp {

    static final double TOLERANCE = 0.10;

    record Outcome(int windows, boolean steady, double lastRate) {
        String describe() {
            return String.format("%d windows, %s (last %.0f/s)", windows, steady ? "steady within 10%" : "**not steady**", lastRate);
        }
    }

    private WarmUp() {
    }

    /** @param window runs one window and returns its throughput */
    static Outcome untilSteady(Callable<Double> window, int maxWindows) throws Exception {
        double previous = Double.NaN;
        for (int i = 1; i <= maxWindows; i++) {
            double rate = window.call();
            Bench.say(String.format("  warm-up window %d: %.0f/s", i, rate));
            if (steady(previous, rate)) {
                return new Outcome(i, true, rate);
            }
            previous = rate;
        }
        return new Outcome(maxWindows, false, previous);
    }

    static boolean steady(double previous, double current) {
        return !Double.isNaN(previous) && Math.abs(current - previous) <= TOLERANCE * Math.max(current, previous);
    }
}
