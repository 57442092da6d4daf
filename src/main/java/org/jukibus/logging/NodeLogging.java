package org.jukibus.logging;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

import ch.qos.logback.classic.LoggerContext;

/**
 * Adds {@link NodeMdc} (which asks {@link OutOfOrderNotice}) to Logback once Spring Boot has (re)initialised logging for a node's context: Boot
 * resets Logback when it initialises it, dropping filters added before.
 */
public final class NodeLogging implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback
                && logback.getTurboFilterList().stream().noneMatch(NodeMdc.class::isInstance)) {
            NodeMdc filter = new NodeMdc();
            filter.setContext(logback);
            filter.start();
            logback.addTurboFilter(filter); // the only one: it asks OutOfOrderNotice itself (see NodeMdc)
        }
    }

    /**
     * For a command's lines before any node's context has initialised logging: Logback then runs on its own
     * defaults, and the embedded PostgreSQL the demo starts first would print its set-up (application.properties
     * sets the same level once a node is up).
     */
    public static void quietBeforeSpring() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger("io.zonky.test.db.postgres").setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }
}
