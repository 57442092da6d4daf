package org.jukibus.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.jms.Message;

/** Waits for a node's dead-letter queue to grow and returns what arrived, with its reason. */
final class DeadLetterAssert {

    record DeadLetter(String reason, String detail, String flow) {
    }

    private DeadLetterAssert() {
    }

    static int count(TestNetwork net, String code) throws Exception {
        return net.browse(code, "jukibus.dlq").size();
    }

    /** The dead letter that arrives after the queue held {@code before} messages. */
    static DeadLetter next(TestNetwork net, String code, int before) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> count(net, code) > before);
        List<Message> all = net.browse(code, "jukibus.dlq");
        Message m = all.get(before);
        return new DeadLetter(m.getStringProperty("JukibusRejectReason"), m.getStringProperty("JukibusRejectDetail"),
                m.getStringProperty("JukibusFlow"));
    }
}
