package org.jukibus.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.CamelContext;
import org.jukibus.broker.NodeBroker;
import org.jukibus.flow.Headers;

/**
 * Forwarding throughput of the sender's forward-outbound route to {@code n} distinct peers: sealed
 * envelopes (each for its peer) are queued on the sender's outbound queue while the route is
 * stopped, then the route is started and timed until the recipient's broker (which every simulated
 * peer's endpoints point at) has stored them all. The recipient's delivery route is stopped
 * meanwhile; the queue is emptied afterwards. The first pass to the many peers opens their TLS links;
 * the passes after it find them open.
 */
final class FanOut {

    private static final String FORWARD_ROUTE = "forward-outbound";

    private final Nodes nodes;
    private final CryptoOnly seal;
    private final int messages;
    private final Map<String, byte[]> envelopes = new ConcurrentHashMap<>();

    FanOut(Nodes nodes, CryptoOnly seal, int messages) {
        this.nodes = nodes;
        this.seal = seal;
        this.messages = messages;
    }

    void measure(Settings settings, Report report) throws Exception {
        int peers = settings.peers();
        double twoFirst = run(2);
        double manyFirst = run(peers);
        List<Double> two = new ArrayList<>();
        List<Double> many = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            two.add(run(2));
            many.add(run(peers));
            Bench.say(String.format("forwarding, links open, pass %d: %.0f messages/s to 2 peers, %.0f to %d", i + 1, two.get(i), many.get(i), peers));
        }
        Figure twoOpen = Figure.of(two);
        Figure manyOpen = Figure.of(many);
        report.row("forwarding to " + peers + " vs 2 peers, links open", manyOpen.format("%,.0f") + " vs " + twoOpen.format("%,.0f")
                + " messages/s = " + Report.pct(manyOpen.median() / twoOpen.median()), "≥ 80%", Report.met(manyOpen.median() / twoOpen.median() >= 0.8));
        report.row("forwarding to " + peers + " vs 2 peers, first pass (opening " + peers + " TLS links; one pass)",
                String.format("%,.0f vs %,.0f messages/s = %s", manyFirst, twoFirst, Report.pct(manyFirst / twoFirst)));
    }

    double run(int n) throws Exception {
        List<String> codes = new ArrayList<>();
        codes.add(BenchNetwork.RECIPIENT);
        codes.addAll(BenchNetwork.simulatedCodes(n - 1));
        CamelContext sc = nodes.context(BenchNetwork.SENDER).getBean(CamelContext.class);
        CamelContext rc = nodes.context(BenchNetwork.RECIPIENT).getBean(CamelContext.class);
        Queue inbound = nodes.context(BenchNetwork.RECIPIENT).getBean(NodeBroker.class).server().locateQueue(SimpleString.of(BenchNetwork.INBOUND));
        rc.getRouteController().stopRoute(BenchNetwork.DELIVERY_ROUTE);
        sc.getRouteController().stopRoute(FORWARD_ROUTE);
        try {
            ConnectionFactory out = nodes.context(BenchNetwork.SENDER).getBean("localConnectionFactory", ConnectionFactory.class);
            long before = inbound.getMessagesAdded();
            try (Connection c = out.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
                MessageProducer p = s.createProducer(s.createQueue("jukibus.outbound"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 0; i < messages; i++) {
                    String peer = codes.get(i % codes.size());
                    byte[] body = envelopes.computeIfAbsent(peer, seal::sealFor);
                    String id = "fan-" + n + "-" + i + "-" + System.nanoTime();
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(body);
                    m.setStringProperty(Headers.MESSAGE_ID, id);
                    m.setStringProperty(Headers.TYPE, BenchNetwork.TYPE);
                    m.setStringProperty(Headers.RECIPIENT, peer);
                    m.setStringProperty(Headers.ADDRESS, BenchNetwork.INBOUND);
                    m.setStringProperty(Headers.DUPLICATE_ID, id);
                    p.send(m);
                    if (i % 500 == 499) {
                        s.commit();
                    }
                }
                s.commit();
            }
            long first = System.nanoTime();
            sc.getRouteController().startRoute(FORWARD_ROUTE);
            long deadline = first + Duration.ofSeconds(600).toNanos();
            while (inbound.getMessagesAdded() - before < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("fan-out to " + n + " peers did not complete: "
                            + (inbound.getMessagesAdded() - before) + " of " + messages);
                }
                Thread.sleep(2);
            }
            return messages / ((System.nanoTime() - first) / 1e9);
        } finally {
            if (!sc.getRouteController().getRouteStatus(FORWARD_ROUTE).isStarted()) {
                sc.getRouteController().startRoute(FORWARD_ROUTE);
            }
            inbound.deleteAllReferences();
            rc.getRouteController().startRoute(BenchNetwork.DELIVERY_ROUTE);
        }
    }
}
