package org.jukibus.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Latency at fixed offered loads ({@code --rates}, default 100 and 300 notices/s): the e2e path fed
 * at that rate for {@code --rate-seconds}, after the e2e warm-up, {@code --runs} times per rate.
 */
final class LatencyAtRates {

    private static final int[][] TARGETS = {{100, 50}, {300, 100}};

    private final EndToEnd e2e;

    LatencyAtRates(EndToEnd e2e) {
        this.e2e = e2e;
    }

    void measure(Settings settings, Report report) throws Exception {
        for (int rate : settings.rates()) {
            List<EndToEnd.Run> runs = new ArrayList<>();
            for (int i = 0; i < settings.runs(); i++) {
                EndToEnd.Run r = e2e.run(rate * settings.rateSeconds(), rate, true);
                Bench.say(String.format("at %d/s offered, run %d: %.0f/s with receipts back; to outbox p50/p95/p99 %s ms, receipt back p99 %.1f ms",
                        rate, i + 1, r.receiptRate(), r.toOutbox().summary(), r.toReceipt().percentileMillis(99)));
                runs.add(r);
            }
            Figure p99 = Figure.of(runs, r -> r.toOutbox().percentileMillis(99));
            int target = target(rate);
            report.row("latency to the outbox at " + rate + "/s offered p50 / p95 / p99",
                    EndToEnd.latency(runs, EndToEnd.Run::toOutbox, 50) + " / " + EndToEnd.latency(runs, EndToEnd.Run::toOutbox, 95)
                            + " / " + p99.format("%.1f") + " ms",
                    target > 0 ? "p99 ≤ " + target + " ms" : "", target > 0 ? Report.met(p99.median() <= target) : "");
            report.row("latency until the receipt is back at " + rate + "/s offered p50 / p99",
                    EndToEnd.latency(runs, EndToEnd.Run::toReceipt, 50) + " / " + EndToEnd.latency(runs, EndToEnd.Run::toReceipt, 99) + " ms");
            EndToEnd.plumbingRows(runs, e2e.inProcess(), "at " + rate + "/s", report);
        }
    }

    /** Issue 19's p99 target at this offered rate, in ms; 0 for none. */
    private static int target(int rate) {
        for (int[] t : TARGETS) {
            if (t[0] == rate) {
                return t[1];
            }
        }
        return 0;
    }
}
