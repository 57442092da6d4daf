package org.jukibus.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.broker.BrokerTemplate;
import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.broker.SecurityEvents;

/**
 * What the processes the memory ITs fork ({@link BacklogBroker}, {@link PagedDeadLetterBroker},
 * {@link SuspendedDeliveryBroker}) share: a node's broker
 * started by {@link NodeBroker} from a role's broker.xml as shipped, the node's in-VM client settings, the heap the rest
 * of the node keeps live beside its broker, and the {@code RESULT name=value} lines they print for the test to read.
 */
final class ForkedBroker {

    /** The node's own live objects (the broker shares the node's heap). */
    private static final List<byte[]> NODE = new ArrayList<>();

    private ForkedBroker() {
    }

    /** A started broker and a local client factory with the node's settings (NodeBroker.localFactory). */
    record Started(NodeBroker broker, ActiveMQConnectionFactory factory) {
    }

    /** Keeps {@code mib} MiB live for the life of the process, as the rest of a node does. */
    static void holdNodeHeap(int mib) {
        for (int i = 0; i < mib; i++) {
            NODE.add(new byte[1024 * 1024]);
        }
    }

    static Started start(Path configDir, String role, String name, Path data) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq.audit"))
                .setLevel(ch.qos.logback.classic.Level.WARN); // as the node's application.properties
        String secret = "local-" + System.nanoTime();
        Map<String, String> values = new HashMap<>();
        BrokerTemplate template = BrokerTemplate.load(configDir, role);
        template.placeholders().forEach(p -> values.put(p, p.endsWith("port") ? "1" : "unused"));
        values.put("jukibus.broker.name", name);
        values.put("jukibus.broker.data", data.toString());
        values.remove("jukibus.broker.vm-id");
        NodeBroker broker = NodeBroker.start(template, values,
                new NodeSecurityManager(secret, cert -> Optional.empty(), new SecurityEvents()),
                Set.of("link-primary", "link-backup"));
        ActiveMQConnectionFactory factory = broker.localFactory(NodeSecurityManager.LOCAL_USER, secret);
        return new Started(broker, factory);
    }

    /** One look at the broker by a {@link #watch}. */
    @FunctionalInterface
    interface Look {
        void look() throws Exception;
    }

    /**
     * Starts a daemon thread that runs {@code look} every {@code periodMillis} until {@code stop} is set (the most heap
     * used, whether a queue pages ...); it ends quietly at the first failure, which leaves the figures as they were.
     */
    static Thread watch(java.util.concurrent.atomic.AtomicBoolean stop, long periodMillis, Look look) {
        Thread watch = new Thread(() -> {
            while (!stop.get()) {
                try {
                    look.look();
                    Thread.sleep(periodMillis);
                } catch (Exception e) {
                    return;
                }
            }
        }, "watch");
        watch.setDaemon(true);
        watch.start();
        return watch;
    }

    /** The {@code RESULT name=value ...} lines of a forked process's output, as a map. */
    static Map<String, String> results(String output) {
        Map<String, String> results = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher("");
        for (String line : output.split("\n")) {
            if (line.startsWith("RESULT ")) {
                m.reset(line.substring(7));
                while (m.find()) {
                    results.put(m.group(1), m.group(2));
                }
            }
        }
        return results;
    }
}
