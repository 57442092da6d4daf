package org.jukibus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Each node in its own JVM ({@code --separate-jvms}), started as an operator starts one
 * ({@code java -jar jukibus.jar node --config node.properties}), so that the CPU each node uses per
 * notice can be read from its process.
 */
final class NodeProcesses implements Nodes {

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final double[] startSeconds = new double[2];
    private final BenchNetwork network;

    NodeProcesses(BenchNetwork network, Path productJar, List<String> jvmOptions) throws Exception {
        if (!Files.isRegularFile(productJar)) {
            throw new IllegalArgumentException("no product jar at " + productJar.toAbsolutePath()
                    + " (build it first: mvn -B -q -DskipTests package; or give --product-jar)");
        }
        this.network = network;
        try {
            startSeconds[1] = start(BenchNetwork.RECIPIENT, productJar, jvmOptions);
            startSeconds[0] = start(BenchNetwork.SENDER, productJar, jvmOptions);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private double start(String code, Path productJar, List<String> jvmOptions) throws Exception {
        NodeProcess node = NodeProcess.start(network, code, productJar, jvmOptions);
        processes.put(code, node.process());
        return node.startSeconds();
    }

    @Override
    public double[] startSeconds() {
        return startSeconds;
    }

    @Override
    public ProcessCpu cpu(String code) {
        return ProcessCpu.of(processes.get(code).toHandle(), List.of(network.pgdata(code)));
    }

    @Override
    public long pid(String code) {
        return processes.get(code).pid();
    }

    @Override
    public ConfigurableApplicationContext context(String code) {
        throw new UnsupportedOperationException("the nodes run in their own JVMs");
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    /** SIGTERM (a clean shutdown, embedded PostgreSQL stopped with it), then waits. */
    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
