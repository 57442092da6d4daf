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
 * {@code routes/<role>}), the Camel context name, and the legacy folder root.
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
        derived.put("camel.main.routes-include-pattern",
                "file:" + routes + "/common/*.yaml,file:" + routes + "/" + role.toLowerCase() + "/*.yaml");
        if (env.getProperty("jukibus.legacy.root") == null && env.getProperty("jukibus.home") != null) {
            derived.put("jukibus.legacy.root", java.nio.file.Path.of(env.getProperty("jukibus.home")).toAbsolutePath().resolve("legacy").toString());
        }
        env.getPropertySources().addLast(new MapPropertySource("jukibus-derived", derived));
    }
}
