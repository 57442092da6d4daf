package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.*;

import java.nio.file.Path;
import java.time.Duration;

import org.jukibus.demo.NetworkProvisioner.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes as separate processes, each started the way an operator starts one
 * ({@code java -jar jukibus.jar node --config node.properties}): a transfer-in notice crosses
 * from one process to the other, and a node killed hard (SIGKILL) and restarted loses nothing.
 */
@Tag("slow")
class SeparateProcessesIT {

    @RegisterExtension
    final ProcessNetwork net = new ProcessNetwork(SHINJUKU, OSAKA);

    @Test
    void a_notice_crosses_between_node_processes_and_survives_a_kill_of_the_recipient() throws Exception {
        Path osakaOutbox = net.outbox(OSAKA, "transfer-in");
        NodeProcess shinjuku = net.start(SHINJUKU);
        NodeProcess osaka = net.start(OSAKA);
        shinjuku.awaitStarted(Duration.ofMinutes(5));
        osaka.awaitStarted(Duration.ofMinutes(5));

        net.dropNotice(SHINJUKU, OSAKA, "P-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> OutboxTally.count(osakaOutbox) == 1);

        osaka.kill();
        net.dropNotice(SHINJUKU, OSAKA, "P-2");
        net.dropNotice(SHINJUKU, OSAKA, "P-3");
        Thread.sleep(2000);
        assertThat(OutboxTally.count(osakaOutbox)).as("nothing can arrive while the recipient is dead").isEqualTo(1);

        osaka.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> OutboxTally.count(osakaOutbox) == 3);
        Thread.sleep(2000);
        assertThat(OutboxTally.count(osakaOutbox)).as("each notice exactly once").isEqualTo(3);
        assertThat(shinjuku.alive()).isTrue();
    }
}
