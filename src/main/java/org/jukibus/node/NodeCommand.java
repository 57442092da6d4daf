package org.jukibus.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jukibus node --config node.yaml}: runs one node until it is stopped. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run one node (municipal, prefecture, central or liaison) from its config file.")
public class NodeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The node's config file (YAML or properties; see docs/configuration.md).")
    Path config;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(config)) {
            System.err.println("jukibus node: config file " + config.toAbsolutePath() + " does not exist");
            return 2;
        }
        NodeLauncher.start(config);
        return 0;
    }
}
