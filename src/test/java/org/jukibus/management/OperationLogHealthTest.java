package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.OperationLog;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** A node whose operation log stopped reports itself down (so its readiness and its heartbeat say so). */
class OperationLogHealthTest {

    @Test
    void down_with_the_reason_once_the_log_failed() {
        String[] failure = {null};
        OperationLog log = new OperationLog() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public String failure() {
                return failure[0];
            }
        };
        assertThat(NodeHealth.operationLog(log).health().getStatus()).isEqualTo(Status.UP);
        failure[0] = "the operation log in /var/lib/jukibus/131041/audit stopped after a failed write: No space left on device";
        Health down = NodeHealth.operationLog(log).health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails()).containsEntry("failure", failure[0]);
    }
}
