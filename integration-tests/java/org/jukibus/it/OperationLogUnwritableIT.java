package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Message;

/**
 * The operation log cannot be written (its folder gone: a file where it was, which stops even root): a message that
 * fails for good still lands in the dead-letter queue with its reason, instead of failing in the dead-letter branch
 * and going round until the broker's last resort, and its dead letter says that its log line is missing.
 */
class OperationLogUnwritableIT {

    @TempDir
    static Path root;
    @Provisioned({OSAKA})
    static TestNetwork net;

    @Test
    void a_message_dead_lettered_while_the_operation_log_is_unwritable_lands_in_the_dlq_with_its_reason_and_the_missing_line_named()
            throws Exception {
        net.start(OSAKA);
        Path audit = net.node(OSAKA).home().resolve("audit");
        Path moved = audit.resolveSibling("audit.moved");
        Files.move(audit, moved);
        Files.writeString(audit, "a file where the operation log's folder should be");
        try {
            // the log starts a new file each UTC day: the next entry (the clock move's) finds no folder, and the log stops
            net.moveClock(Duration.ofDays(1));

            net.put(OSAKA, "jukibus.inbound.transfer-in", "not xml at all".getBytes(StandardCharsets.UTF_8));

            DeadLetterAssert.DeadLetter dead = DeadLetterAssert.next(net, OSAKA, 0);
            assertThat(dead.reason()).isEqualTo("MALFORMED");
            Message m = net.browse(OSAKA, "jukibus.dlq").get(0);
            assertThat(m.getStringProperty("JukibusOperationLogMissing")).as("the dead letter says its log line is missing")
                    .contains("operation log");
        } finally {
            Files.delete(audit);
            Files.move(moved, audit);
        }
    }
}
