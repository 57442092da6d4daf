package org.jukibus.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The table a benchmark run prints and appends to the results file, and the figures its ratios need. */
final class Report {

    private final List<String[]> rows = new ArrayList<>();
    private final Map<String, Figure> figures = new HashMap<>();
    private final List<String> notes = new ArrayList<>();

    void row(String what, String value, String target, String met) {
        rows.add(new String[] {what, value, target, met});
    }

    void row(String what, String value) {
        row(what, value, "", "");
    }

    /** A figure other rows compare against (e2e against crypto-only, ...). */
    void keep(String name, Figure figure) {
        figures.put(name, figure);
    }

    Figure figure(String name) {
        return figures.getOrDefault(name, Figure.NONE);
    }

    /** A line under the table (warm-up outcome, what a section could not measure). */
    void note(String line) {
        notes.add(line);
    }

    /** The median of {@code a} over the median of {@code b}. */
    double ratio(String a, String b) {
        return figure(a).median() / figure(b).median();
    }

    String markdown(String header) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" — jukibus bench\n\n").append(header);
        sb.append("\n\n| measure | value: median of the runs (min–max) | target | met |\n|---|---|---|---|\n");
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append("* ").append(n).append('\n'));
        }
        return sb.toString();
    }

    static String met(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    static String pct(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format("%.0f%%", v * 100);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format("%.2f×", v);
    }
}
