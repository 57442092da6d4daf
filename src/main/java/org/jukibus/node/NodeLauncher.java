package org.jukibus.node;

import org.jukibus.core.NodeConfigFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import org.jukibus.logging.NodeContext;
import org.jukibus.logging.NodeLogging;
import org.jukibus.logging.NodeReadyLog;
import org.jukibus.logging.NodeThreads;

/**
 * Starts a node as its own Spring application context. Several may run in one JVM (the demo and
 * the integration tests do that); in production there is one per process.
 */
public final class NodeLauncher {

    private NodeLauncher() {
    }

    /** Starts a node from its config file (properties or YAML, see docs/configuration.md). */
    public static ConfigurableApplicationContext start(Path configFile) {
        String code;
        try {
            code = NodeConfigFile.read(configFile).node().getCode();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + configFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return start(java.util.Objects.toString(code, "unnamed"), Map.of("spring.config.additional-location", "file:" + configFile.toAbsolutePath()));
    }

    /** Starts a node from properties given in code. */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return start(java.util.Objects.toString(properties.get("jukibus.code"), "unnamed"), properties);
    }

    /** Starts it in the node's thread group, so that every log line of its threads names it (NodeThreads). */
    private static ConfigurableApplicationContext start(String code, Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        return NodeThreads.startIn(code, () -> new SpringApplicationBuilder(NodeApplication.class)
                .contextFactory(ApplicationContextFactory.of(NodeContext::new))
                .listeners(new NodeLogging(), new NodeReadyLog())
                .properties(all)
                .run());
    }
}
