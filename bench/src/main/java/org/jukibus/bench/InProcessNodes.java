package org.jukibus.bench;

import org.jukibus.node.NodeLauncher;
import org.springframework.context.ConfigurableApplicationContext;

/** Both nodes in this JVM, with their own brokers, journals, stores and TLS links (the default). */
final class InProcessNodes implements Nodes {

    private final ConfigurableApplicationContext sender;
    private final ConfigurableApplicationContext recipient;
    private final double[] startSeconds;
    private final java.util.List<java.nio.file.Path> pgdata;

    InProcessNodes(BenchNetwork network) {
        pgdata = java.util.List.of(network.pgdata(BenchNetwork.SENDER), network.pgdata(BenchNetwork.RECIPIENT));
        long t0 = System.nanoTime();
        recipient = NodeLauncher.start(network.properties(BenchNetwork.RECIPIENT));
        long t1 = System.nanoTime();
        sender = NodeLauncher.start(network.properties(BenchNetwork.SENDER));
        startSeconds = new double[] {(System.nanoTime() - t1) / 1e9, (t1 - t0) / 1e9};
    }

    @Override
    public double[] startSeconds() {
        return startSeconds;
    }

    @Override
    public ProcessCpu cpu(String code) {
        return ProcessCpu.of(ProcessHandle.current(), pgdata);
    }

    @Override
    public long pid(String code) {
        return ProcessHandle.current().pid();
    }

    @Override
    public ConfigurableApplicationContext context(String code) {
        return BenchNetwork.SENDER.equals(code) ? sender : recipient;
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public void close() {
        sender.close();
        recipient.close();
    }
}
