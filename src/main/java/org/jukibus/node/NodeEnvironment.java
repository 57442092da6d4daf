package org.jukibus.node;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives the settings that follow from a node's role and code, so a node's config file only has
 * to say who the node is: which route files Camel loads ({@code routes/common} and
 * {@code routes/<role>}), the Camel context name, the legacy folder root, and the management
 * port ({@code jukibus.management.port} / {@code .address}, loopback and a free port unless
 * configured, so several nodes in one JVM never collide) with the node's code as the tag of every
 * metric.
 */
public class NodeEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String role = env.getProperty("jukibus.role");
        String code = env.getProperty("jukibus.code");
        if (role == null || code == null) {
            return; // not a node context (or misconfigured: NodeConfiguration reports it)
        }
        String routes = env.getProperty("jukibus.routes-dir", "routes");
        Map<String, Object> derived = new HashMap<>();
        derived.put("camel.main.name", "jukibus-" + code);
        // Camel fixes its thread names before it takes camel.main.name (they read "camel-1", "camel-2", ...
        // with several nodes in one JVM): name the node in the pattern itself
        derived.put("camel.main.thread-name-pattern", "Camel (jukibus-" + code + ") thread ##counter# - #name#");
        derived.put("spring.application.name", "jukibus-" + code);
        derived.put("server.port", "${jukibus.management.port:0}");
        derived.put("server.address", "${jukibus.management.address:127.0.0.1}");
        derived.put("management.metrics.tags.node", code);
        derived.put("camel.main.routes-include-pattern",
                "file:" + routes + "/common/*.yaml,file:" + routes + "/" + role.toLowerCase() + "/*.yaml");
        if (env.getProperty("jukibus.legacy.root") == null && env.getProperty("jukibus.home") != null) {
            derived.put("jukibus.legacy.root", java.nio.file.Path.of(env.getProperty("jukibus.home")).toAbsolutePath().resolve("legacy").toString());
        }
        env.getPropertySources().addLast(new MapPropertySource("jukibus-derived", derived));
    }
}
