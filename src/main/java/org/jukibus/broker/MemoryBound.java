package org.jukibus.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * What the embedded broker may hold in the node's heap (it shares it): a long outage of a peer must cost disk, never
 * heap. broker.xml bounds the messages in memory ({@code global-max-size}; beyond it every address pages to disk) and
 * what a queue reads back from its pages ({@code max-read-page-bytes}, {@code page-size-bytes}). Without the bound
 * Artemis takes half the heap, and a backlog of 1 MiB envelopes (regular messages since issue 19) fills it: the node
 * dies of OutOfMemoryError or stalls, a silent stop. So a node whose running broker.xml (the approved one) has no bound,
 * or one above a quarter of its heap, or an address that would drop, fail or block instead of paging, does not start.
 *
 * <p>A journal buffer smaller than the largest regular message is only slower: the broker stores such a message as a
 * large message (correct, and on disk), which the consumer puts together byte by byte (issue 19). That is a warning,
 * not a refusal: an older approved broker.xml must not keep an upgraded node down until the officer approves the new
 * one.
 */
public final class MemoryBound {

    /** The most of the heap the broker's messages in memory may take before paging; the node needs the rest. */
    static final int HEAP_SHARE_DIVISOR = 4;

    /** Room beside an envelope's body in its journal record: its headers and the record's own header. */
    static final int RECORD_OVERHEAD = 32 * 1024;

    private MemoryBound() {
    }

    /**
     * Throws, naming {@code source} and each setting, unless the broker's memory is bounded within {@code maxHeap}
     * ({@link Runtime#maxMemory()}) and every address pages when full.
     */
    public static void require(Configuration configuration, Path source, long maxHeap) {
        List<String> wrong = violations(configuration, maxHeap);
        if (!wrong.isEmpty()) {
            throw new IllegalStateException(source + ": the broker's memory is not bounded, so a long outage of a peer"
                    + " would fill the node's heap instead of the disk: " + String.join("; ", wrong)
                    + " (broker-config/*.xml of this release set global-max-size 32MiB, page-size-bytes 2MiB,"
                    + " max-read-page-bytes 10MiB, address-full-policy PAGE: approve them, docs/deployment.md)");
        }
    }

    static List<String> violations(Configuration configuration, long maxHeap) {
        List<String> wrong = new ArrayList<>();
        // unset, Artemis computes it from global-max-size-percent-of-jvm-max-memory (default 50): above the share too
        long global = configuration.getGlobalMaxSize();
        long allowed = maxHeap / HEAP_SHARE_DIVISOR;
        if (global <= 0 || global > allowed) {
            wrong.add("global-max-size is " + (global <= 0 ? "unbounded" : mib(global)) + " (unset: half the heap), more than"
                    + " a quarter of the heap (" + mib(maxHeap) + "): set it to at most " + mib(allowed)
                    + " or give the node more heap");
        }
        for (Map.Entry<String, AddressSettings> e : RedeliveryPolicy.settingsByAddress(configuration).entrySet()) {
            AddressSettings s = e.getValue();
            if (s.getAddressFullMessagePolicy() != AddressFullMessagePolicy.PAGE) {
                wrong.add(e.getKey() + ": address-full-policy is " + s.getAddressFullMessagePolicy() + ", not PAGE");
            }
            if (s.getMaxReadPageBytes() <= 0) {
                wrong.add(e.getKey() + ": max-read-page-bytes is unbounded (" + s.getMaxReadPageBytes() + ")");
            }
            if (s.getMaxReadPageBytes() + (long) s.getPageSizeBytes() > allowed) {
                wrong.add(e.getKey() + ": reading back a page (page-size-bytes " + mib(s.getPageSizeBytes())
                        + ", max-read-page-bytes " + mib(s.getMaxReadPageBytes()) + ") may take more than a quarter of"
                        + " the heap");
            }
        }
        return wrong;
    }

    /**
     * A warning if the journal's buffer cannot hold a regular message of {@code largestRegular} bytes with its headers
     * (the broker would store it as a large message: correct, slower to consume), else empty.
     */
    public static Optional<String> journalWarning(Configuration configuration, Path source, int largestRegular) {
        int buffer = configuration.getJournalBufferSize_NIO();
        if (buffer >= largestRegular + RECORD_OVERHEAD) {
            return Optional.empty();
        }
        return Optional.of(source + ": journal-buffer-size is " + buffer + " bytes, below the largest envelope the node"
                + " sends as a regular message (" + largestRegular + " bytes, and " + RECORD_OVERHEAD + " for its headers):"
                + " the broker stores such envelopes as large messages, which is correct but slow to consume (issue 19);"
                + " set journal-buffer-size to " + (largestRegular + RECORD_OVERHEAD) + " or more as broker-config/*.xml"
                + " of this release do, and approve it");
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
