package org.jukibus.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap of this JVM (both nodes and the benchmark when the nodes run in it: an upper bound for one
 * node): its peak, sampled every 100 ms while a section runs, and what is live after GC.
 */
final class Footprint implements AutoCloseable {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final AtomicLong peak = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Footprint() {
        thread = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap");
        thread.setDaemon(true);
        thread.start();
    }

    long peakBytes() {
        return peak.get();
    }

    static long liveAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(500);
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
