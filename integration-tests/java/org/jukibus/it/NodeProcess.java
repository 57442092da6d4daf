package org.jukibus.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.logging.NodeReadyLog;

/**
 * One node run as its own JVM, started the way an operator starts one
 * ({@code java -jar jukibus.jar node --config node.properties}) and killed the way a power cut
 * kills it (SIGKILL: no shutdown hook, no flush). Each start logs to its own file in the node's
 * home, {@code node-<n>.log}, so a restart can be told apart from the run before it.
 */
final class NodeProcess implements AutoCloseable {

    private final ProvisionedNode node;
    private final Path config;
    private final String logName;
    private final String startedMarker;
    private Process process;
    private Path log;
    private int starts;

    NodeProcess(ProvisionedNode node) {
        this(node, node.home().resolve("node.properties"), "node", NodeReadyLog.marker(node.spec().code(), node.spec().role().id()));
    }

    /**
     * A node started from another config file (a server of a primary/backup pair), logging to
     * {@code <logName>-<n>.log}, started when its log shows {@code startedMarker} (its ready line).
     */
    NodeProcess(ProvisionedNode node, Path config, String logName, String startedMarker) {
        this.node = node;
        this.config = config;
        this.logName = logName;
        this.startedMarker = startedMarker;
    }

    /**
     * Starts the node (it must not be running), with any extra JVM options (a test's
     * {@code -Djukibus.test.fault-point=...}); returns at once, see {@link #awaitStarted}.
     */
    NodeProcess start(String... jvmOptions) throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(node.spec().code() + " is already running");
        }
        log = node.home().resolve(logName + "-" + (starts++) + ".log");
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", Path.of("target/jukibus.jar").toAbsolutePath().toString(),
                "node", "--config", config.toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return this;
    }

    /** Waits until the process has exited by itself; returns its exit status. */
    int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(node.spec().code() + " still runs after " + atMost + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** Waits until this start's log says Camel started its marker route; fails early if the process died. */
    NodeProcess awaitStarted(Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(node.spec().code() + " exited with " + process.exitValue() + ":\n" + tail());
                }
                return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(startedMarker);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the network's folder is deleted after the test: the log says why it is slow or stuck
            throw new IllegalStateException(node.spec().code() + " not started after " + atMost + ":\n" + tail(), e);
        }
        return this;
    }

    /** SIGKILL, and waits until the process is gone (its ports and files are free). */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM: the node shuts down cleanly. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** This start's log so far. */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    /** The WARN and ERROR lines of every start's log so far (the first line of each event), oldest start first. */
    List<String> problems() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < starts; n++) {
            Path each = node.home().resolve(logName + "-" + n + ".log");
            if (Files.exists(each)) {
                for (String line : Files.readAllLines(each, StandardCharsets.UTF_8)) {
                    if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                        lines.add("start " + n + ": " + line);
                    }
                }
            }
        }
        return lines;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
