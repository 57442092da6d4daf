package org.jukibus.bench;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Warm-up until throughput is steady: windows are run until two consecutive ones are within
 * {@link #TOLERANCE} of each other <em>and</em> the JIT compilers took at most {@link #JIT_SETTLED} of
 * the CPU in the last one, or {@code maxWindows} have run, which the report then says. Throughput alone
 * is not enough on 2 cores: two windows can agree while C2 still takes a third of the CPU, and the
 * measured runs then report the compiler's work as the product's.
 */
final class WarmUp {

    static final double TOLERANCE = 0.10;
    static final double JIT_SETTLED = 0.10;

    /** One warm-up window: its throughput and the JIT's share of the CPU during it. */
    record Window(double rate, double jitShare) {
    }

    record Outcome(int windows, boolean steady, double lastRate, double lastJitShare) {
        String describe() {
            return String.format("%d windows, %s (last %.0f/s, JIT %.0f%% of the CPU)", windows,
                    steady ? "steady within 10% with the JIT at most 10% of the CPU" : "**not steady**", lastRate, lastJitShare * 100);
        }
    }

    private WarmUp() {
    }

    /** A window of this JVM's own work: its JIT share read around the call. */
    static Callable<Window> inThisJvm(Callable<Double> work) {
        return () -> {
            ProcessCpu before = ProcessCpu.of(ProcessHandle.current(), List.of());
            double rate = work.call();
            return new Window(rate, ProcessCpu.of(ProcessHandle.current(), List.of()).minus(before).jitShare());
        };
    }

    /** @param window runs one window and returns its throughput and JIT share */
    static Outcome untilSteady(Callable<Window> window, int maxWindows) throws Exception {
        Window previous = null;
        Window last = null;
        for (int i = 1; i <= maxWindows; i++) {
            last = window.call();
            Bench.say(String.format("  warm-up window %d: %.0f/s, JIT %.0f%% of the CPU", i, last.rate(), last.jitShare() * 100));
            if (steady(previous, last)) {
                return new Outcome(i, true, last.rate(), last.jitShare());
            }
            previous = last;
        }
        return new Outcome(maxWindows, false, last == null ? Double.NaN : last.rate(), last == null ? Double.NaN : last.jitShare());
    }

    static boolean steady(Window previous, Window current) {
        return previous != null && steady(previous.rate(), current.rate())
                && !(current.jitShare() > JIT_SETTLED); // NaN (not measurable) does not hold the warm-up
    }

    static boolean steady(double previous, double current) {
        return !Double.isNaN(previous) && Math.abs(current - previous) <= TOLERANCE * Math.max(current, previous);
    }
}
