package org.jukibus.bench;

import java.util.List;

/** The counts and durations of one benchmark run (Bench's options). */
record Settings(int notices, int runs, int warmupWindow, int warmupMaxWindows, int cryptoSeconds,
                List<Integer> rates, int rateSeconds, int peers, int fanoutMessages,
                int identityBatches, int identityBatchSize) {

    /** How long to wait for {@code count} notices (or their receipts) before calling a run failed. */
    static java.time.Duration patience(int count) {
        return java.time.Duration.ofSeconds(120 + count / 20);
    }
}
