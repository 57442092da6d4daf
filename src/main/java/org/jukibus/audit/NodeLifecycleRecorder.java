package org.jukibus.audit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Records when the node has started (every route running, the management port open) and when it stops. It depends
 * on the log, so it is destroyed, and records the stop, before the log seals and closes.
 */
final class NodeLifecycleRecorder implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    private final OperationLog log;
    private final String description;
    private volatile boolean started;

    NodeLifecycleRecorder(OperationLog log, String description) {
        this.log = log;
        this.description = description;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!started) {
            started = true;
            log.record(AuditEvent.of(AuditKind.NODE_STARTED).detail(description));
        }
    }

    @Override
    public void destroy() {
        log.record(AuditEvent.of(AuditKind.NODE_STOPPED).detail(started ? description : "start-up did not complete"));
    }
}
