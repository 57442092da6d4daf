package org.jukibus.node;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a node as its own Spring application context. Several may run in one JVM (the demo and
 * the integration tests do that); in production there is one per process.
 */
public final class NodeLauncher {

    private NodeLauncher() {
    }

    /** Starts a node from its config file (properties or YAML, see docs/configuration.md). */
    public static ConfigurableApplicationContext start(Path configFile) {
        return start(Map.of("spring.config.additional-location", "file:" + configFile.toAbsolutePath()));
    }

    /** Starts a node from properties given in code. */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        return new SpringApplicationBuilder(NodeApplication.class)
                .properties(all)
                .run();
    }
}
