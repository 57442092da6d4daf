package org.jukibus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jukibus.core.NodeRole;
import org.jukibus.logging.NodeReadyLog;

/**
 * One municipal node in its own JVM, started as an operator starts one
 * ({@code java [options] -jar jukibus.jar node --config node.properties}) and timed from the new process
 * until the node logs that it is ready ({@link NodeReadyLog}: its broker accepts, its routes run), and the CPU its JVM
 * used until then (all its threads, the JIT compilers' too; not the embedded PostgreSQL's processes).
 */
record NodeProcess(Process process, double startSeconds, double cpuSeconds) {

    private static final long START_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(5);

    static NodeProcess start(BenchNetwork network, String code, Path productJar, List<String> jvmOptions) throws Exception {
        Path home = network.node(code).home();
        Path config = writeConfig(network, code);
        Path log = home.resolve("bench-node.log");
        Files.deleteIfExists(log); // a second start waits for its own ready line, not the first one's
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UseDynamicNumberOfCompilerThreads"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", productJar.toAbsolutePath().toString(), "node", "--config", config.toString()));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String ready = NodeReadyLog.marker(code, NodeRole.MUNICIPAL.id());
        while (!Files.exists(log) || !Files.readString(log, StandardCharsets.UTF_8).contains(ready)) {
            if (!process.isAlive() || System.nanoTime() - t0 > START_LIMIT_NANOS) {
                process.destroyForcibly();
                throw new IllegalStateException("node " + code + " did not start; its log: " + log + "\n" + tail(log));
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        return new NodeProcess(process, seconds, cpu);
    }

    /** The node's config file, {@code bench-node.properties} in its home (left there: {@code jukibus node --config} starts it by hand). */
    static Path writeConfig(BenchNetwork network, String code) throws IOException {
        Path config = network.node(code).home().resolve("bench-node.properties");
        StringBuilder sb = new StringBuilder();
        network.properties(code).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, sb, StandardCharsets.UTF_8);
        return config;
    }

    /** SIGTERM (a clean shutdown, embedded PostgreSQL stopped with it), then waits. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The log's last lines, without the JVM's class-data warnings (a training run's exit writes thousands). */
    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        lines = lines.stream().filter(l -> !l.contains("][cds")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
