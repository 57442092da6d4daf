package org.jukibus.logging;

import org.slf4j.MDC;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;

/**
 * A node's application context: what its close logs (routes, broker, store stopping) names the node too,
 * whichever thread closes it (the demo's main thread, a test, the JVM's shutdown hook), and only for as
 * long as the close takes.
 */
public final class NodeContext extends AnnotationConfigServletWebServerApplicationContext {

    @Override
    protected void doClose() {
        String before = MDC.get(NodeMdc.KEY);
        String node = getEnvironment().getProperty("jukibus.code");
        if (node != null) {
            MDC.put(NodeMdc.KEY, node);
        }
        try {
            super.doClose();
        } finally {
            if (before == null) {
                MDC.remove(NodeMdc.KEY);
            } else {
                MDC.put(NodeMdc.KEY, before);
            }
        }
    }
}
