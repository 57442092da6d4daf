package org.jukibus.logging;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Which node a thread works for, so that every log line can name it (several nodes share one JVM in the demo and
 * the tests). A node is started on a thread of its own thread group, {@code jukibus-node-<code>}; the threads its
 * broker, web server, pools and routes create inherit that group (or a child of it), so the group chain of any
 * thread names the node, without touching the thread factories of Artemis, Tomcat, Hikari or Camel.
 */
public final class NodeThreads {

    static final String GROUP_PREFIX = "jukibus-node-";

    private NodeThreads() {
    }

    /**
     * Runs {@code start} on a new thread of node {@code code}'s thread group and waits for it; what it throws is
     * thrown here unchanged.
     */
    public static <T> T startIn(String code, Supplier<T> start) {
        ThreadGroup group = new ThreadGroup(GROUP_PREFIX + code);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(group, () -> {
            try {
                result.set(start.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "node-start");
        starter.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while node " + code + " was starting", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
        return result.get();
    }

    /**
     * The thread group of the node {@code thread} works for (one per start of a node, so a node restarted in the same
     * JVM has a new one), or, on a thread of no node, its own group.
     */
    public static ThreadGroup groupOf(Thread thread) {
        for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (g.getName().startsWith(GROUP_PREFIX)) {
                return g;
            }
        }
        return thread.getThreadGroup();
    }

    /** The code of the node {@code thread} works for, or null. */
    public static String nodeOf(Thread thread) {
        for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (g.getName().startsWith(GROUP_PREFIX)) {
                return g.getName().substring(GROUP_PREFIX.length());
            }
        }
        return null;
    }
}
