package org.jukibus.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import org.jukibus.backup.NodeBackupCommand;
import org.jukibus.backup.NodeRestoreCommand;
import org.jukibus.core.HaMode;
import org.jukibus.core.LiveLock;
import org.jukibus.core.NodeConfigFile;
import org.jukibus.core.NodeProperties;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code jukibus node --config node.properties}: runs one node until it is stopped (SIGTERM, Ctrl-C);
 * {@code jukibus node backup | restore} work on a stopped one.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run one node from its config file, or back a stopped node up and restore it.",
                "  jukibus node --config FILE     runs a municipal, prefecture, central or liaison node",
                "  jukibus node backup | restore  (see their --help)"},
        subcommands = {NodeBackupCommand.class, NodeRestoreCommand.class})
public class NodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The node's config file (properties or YAML; see docs/configuration.md).")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        if (config == null) { // not required by picocli: 'node backup --config' would then need a second one before 'backup'
            System.err.println("jukibus node: --config FILE is required to run a node");
            spec.commandLine().usage(System.err);
            return 2;
        }
        if (!Files.isRegularFile(config)) {
            System.err.println("jukibus node: config file " + config.toAbsolutePath() + " does not exist");
            return 1;
        }
        ConfigurableApplicationContext node;
        try {
            awaitLiveLock();
            node = NodeLauncher.start(config);
        } catch (RuntimeException e) {
            System.err.println("jukibus node: the node did not start: " + rootCause(e).getMessage());
            return 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        node.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        if (node.isActive()) {
            closed.await();
        }
        return 0;
    }

    /** A server of a primary/backup pair starts the node only once it is the live one. */
    private void awaitLiveLock() throws InterruptedException {
        try {
            NodeProperties p = NodeConfigFile.read(config).node();
            if (p.getHa().getMode() != HaMode.NONE) {
                if (p.getHome() == null || p.getCode() == null) {
                    throw new IllegalStateException("jukibus.ha.mode needs jukibus.home and jukibus.code");
                }
                LiveLock.await(p.getHome(), p.getCode(), p.getHa().getMode(), p.getHa().getPollInterval(), System.out);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the live lock in jukibus.home cannot be taken: " + e.getMessage(), e);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
