package org.jukibus.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** A figure measured in several runs: their median and spread (min–max). NaN when not measured. */
record Figure(double median, double min, double max) {

    static final Figure NONE = new Figure(Double.NaN, Double.NaN, Double.NaN);

    static Figure of(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values.stream().filter(v -> !Double.isNaN(v)).toList());
        if (sorted.isEmpty()) {
            return NONE;
        }
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Figure(median, sorted.get(0), sorted.get(n - 1));
    }

    static <T> Figure of(List<T> runs, ToDoubleFunction<T> value) {
        return of(runs.stream().map(value::applyAsDouble).toList());
    }

    boolean measured() {
        return !Double.isNaN(median);
    }

    /** "1,234 (1,100–1,300)" with {@code format} for each number; "—" when not measured. */
    String format(String format) {
        if (!measured()) {
            return "—";
        }
        if (min == max) {
            return String.format(format, median);
        }
        return String.format(format, median) + " (" + String.format(format, min) + "–" + String.format(format, max) + ")";
    }
}
