package org.jukibus.logging;

import org.slf4j.MDC;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Puts the node's code into the MDC key {@value #KEY} of the logging thread before Logback builds the event,
 * so the console pattern ({@code %X{node}}) and the structured formats carry it on every line of a node,
 * whoever created the thread (see {@link NodeThreads}). Decides nothing itself: neutral, but for what
 * {@link OutOfOrderNotice} drops.
 *
 * <p>Logback asks its turbo filters before its level check, so this runs on every {@code isTraceEnabled()} of Camel,
 * Artemis and Spring (several hundred per message). It is the node's only turbo filter, asking {@link OutOfOrderNotice}
 * itself: with two or more, Logback copies its list of them into a new array on every such call (3–4% of the JVM's
 * CPU samples under load). A level the logger does not log returns at once, before the MDC's thread-local lookup.
 */
public final class NodeMdc extends TurboFilter {

    public static final String KEY = "node";

    private final OutOfOrderNotice outOfOrderNotice = new OutOfOrderNotice();

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != null && !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL; // not logged: no event, no MDC needed
        }
        if (outOfOrderNotice.decide(marker, logger, level, format, params, t) == FilterReply.DENY) {
            return FilterReply.DENY;
        }
        if (MDC.get(KEY) == null) {
            String node = NodeThreads.nodeOf(Thread.currentThread());
            if (node != null) {
                MDC.put(KEY, node); // a thread works for one node all its life
            }
        }
        return FilterReply.NEUTRAL;
    }
}
