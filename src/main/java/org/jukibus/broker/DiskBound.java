package org.jukibus.broker;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.activemq.artemis.core.config.Configuration;

/**
 * The broker's disk bound: the free space below which it refuses sends ({@link DiskFullRefusal}). Artemis has one
 * by default (90% used), which stops a node with 50 GB free on a 500 GB disk, before any of its disk alerts. Every
 * role's broker.xml sets {@code max-disk-usage} -1 and {@code min-disk-free} 1GiB instead: a fixed free space, below
 * the node's alerts (4 GiB, monitoring.LifetimeAlerts). A broker.xml without {@code min-disk-free} (a share of the disk,
 * {@code max-disk-usage}, stops the node as its alerts fire or before), with less than {@value #LEAST_FREE_MIB} MiB
 * (no margin: the journal fails at the disk's end and the broker stops), or without the plugin {@link DiskFullRefusal}
 * (nothing stops the node's clients, which take no producer credits) does not start.
 */
public final class DiskBound {

    /** Below this the journal's next files (10 MiB each), a page (2 MiB) and the store's own writes may not fit. */
    static final long LEAST_FREE_MIB = 512;
    private DiskBound() {
    }

    /** Throws, naming {@code source} and the setting, unless the broker's disk bound leaves a margin. */
    public static void require(Configuration configuration, Path source) {
        violation(configuration).ifPresent(wrong -> {
            throw new IllegalStateException(source + ": the broker's disk bound leaves no margin, so the broker would"
                    + " write until the disk is full and stop: " + wrong + " (broker-config/*.xml of this release set"
                    + " max-disk-usage -1, min-disk-free 1GiB and the broker plugin DiskFullRefusal: approve them, docs/deployment.md)");
        });
    }

    static Optional<String> violation(Configuration configuration) {
        if (configuration.getBrokerPlugins().stream().noneMatch(DiskFullRefusal.class::isInstance)) {
            // without it nothing stops the node's clients (they take no producer credits) at the bound
            return Optional.of("<broker-plugins> lacks " + DiskFullRefusal.class.getName());
        }
        long minFree = configuration.getMinDiskFree();
        if (minFree == -1) { // a share of the disk (max-disk-usage, 90 by default) stops the node as its alerts fire, or before
            return Optional.of("min-disk-free is unset (max-disk-usage is " + configuration.getMaxDiskUsage() + "%)");
        }
        return minFree < LEAST_FREE_MIB * 1024 * 1024
                ? Optional.of("min-disk-free is " + minFree + " bytes, below " + LEAST_FREE_MIB + " MiB")
                : Optional.empty();
    }
}
