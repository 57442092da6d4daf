package org.jukibus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jukibus.core.NodeRole;
import org.jukibus.logging.NodeReadyLog;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Each node in its own JVM ({@code --separate-jvms}), started as an operator starts one
 * ({@code java -jar jukibus.jar node --config node.properties}), so that the CPU each node uses per
 * notice can be read from its process.
 */
final class NodeProcesses implements Nodes {

    private static final long START_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(5);

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
            startSeconds[1] = start(network, BenchNetwork.RECIPIENT, productJar, jvmOptions);
            startSeconds[0] = start(network, BenchNetwork.SENDER, productJar, jvmOptions);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private double start(BenchNetwork network, String code, Path productJar, List<String> jvmOptions) throws Exception {
        Path home = network.node(code).home();
        Path config = home.resolve("bench-node.properties");
        StringBuilder sb = new StringBuilder();
        network.properties(code).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, sb, StandardCharsets.UTF_8);
        Path log = home.resolve("bench-node.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UseDynamicNumberOfCompilerThreads"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", productJar.toAbsolutePath().toString(), "node", "--config", config.toString()));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.put(code, process);
        String ready = NodeReadyLog.marker(code, NodeRole.MUNICIPAL.id());
        while (!Files.exists(log) || !Files.readString(log, StandardCharsets.UTF_8).contains(ready)) {
            if (!process.isAlive() || System.nanoTime() - t0 > START_LIMIT_NANOS) {
                throw new IllegalStateException("node " + code + " did not start; its log: " + log + "\n" + tail(log));
            }
            Thread.sleep(100);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
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
