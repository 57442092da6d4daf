package org.jukibus.broker;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.activemq.artemis.core.config.Configuration;

/**
 * The broker's disk bound: the free space below which it refuses sends ({@link DiskFullRefusal}). Artemis has one
 * by default (90% used), which stops a node with 50 GB free on a 500 GB disk, before any of its disk alerts. Every
 * role's broker.xml sets {@code max-disk-usage} -1 and {@code min-disk-free} 1GiB instead: a fixed free space, below
 * the node's alerts (4 GiB, monitoring.LifetimeAlerts). A broker.xml with no bound at all, or one that leaves no
 * margin (a usage above {@value #MOST_USAGE_PERCENT}%, or less than {@value #LEAST_FREE_MIB} MiB free), would let the
 * broker write until the disk is full, where its journal fails and the broker stops: the node does not start with it.
 */
public final class DiskBound {

    /** Below this the journal's next files (10 MiB each), a page (2 MiB) and the store's own writes may not fit. */
    static final long LEAST_FREE_MIB = 512;
    /** Above this a percentage leaves no room on a small disk either. */
    static final int MOST_USAGE_PERCENT = 98;

    private DiskBound() {
    }

    /** Throws, naming {@code source} and the setting, unless the broker's disk bound leaves a margin. */
    public static void require(Configuration configuration, Path source) {
        violation(configuration).ifPresent(wrong -> {
            throw new IllegalStateException(source + ": the broker's disk bound leaves no margin, so the broker would"
                    + " write until the disk is full and stop: " + wrong + " (broker-config/*.xml of this release set"
                    + " max-disk-usage -1 and min-disk-free 1GiB: approve them, docs/deployment.md)");
        });
    }

    static Optional<String> violation(Configuration configuration) {
        long minFree = configuration.getMinDiskFree();
        int maxUsage = configuration.getMaxDiskUsage();
        if (minFree != -1) { // Artemis uses min-disk-free then, whatever max-disk-usage says
            return minFree < LEAST_FREE_MIB * 1024 * 1024
                    ? Optional.of("min-disk-free is " + minFree + " bytes, below " + LEAST_FREE_MIB + " MiB")
                    : Optional.empty();
        }
        if (maxUsage == -1) {
            return Optional.of("max-disk-usage is -1 and min-disk-free is unset: no disk bound at all");
        }
        return maxUsage > MOST_USAGE_PERCENT
                ? Optional.of("max-disk-usage is " + maxUsage + "%, above " + MOST_USAGE_PERCENT + "%")
                : Optional.empty();
    }
}
