package org.jukibus.xml;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A few reusable, not thread-safe objects (parsers, validators, serialisers), lent to one thread at a time. Unlike a
 * {@link ThreadLocal} cache, what is made once outlives the thread that made it: Camel's and Spring JMS's consumer
 * threads come and go, and each new thread would otherwise build its own again (a schema validator costs more than
 * validating a payload). At most {@code keep} are kept; a thread that finds none idle makes one.
 *
 * @param <T> what is lent; it must start each use from a clean state (Xerces resets on every parse and validation)
 */
final class Reusables<T> {

    private final ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final Supplier<T> make;
    private final int keep;

    Reusables(Supplier<T> make, int keep) {
        this.make = make;
        this.keep = keep;
    }

    /** Keeps as many as twice the processors: enough for every thread that can run at once. */
    Reusables(Supplier<T> make) {
        this(make, 2 * Runtime.getRuntime().availableProcessors() + 2);
    }

    /** One for the caller alone until it {@link #giveBack gives it back}. */
    T take() {
        T t = idle.pollFirst();
        if (t == null) {
            return make.get();
        }
        idleCount.decrementAndGet();
        return t;
    }

    /** Returns one taken; kept for the next caller unless enough are kept already. */
    void giveBack(T t) {
        if (idleCount.incrementAndGet() <= keep) {
            idle.offerFirst(t);
        } else {
            idleCount.decrementAndGet();
        }
    }
}
