package org.jukibus.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;

/**
 * A node's config file read by an operator command that works on a stopped node ({@code jukibus node backup}):
 * the same keys, defaults ({@code application.properties}) and placeholders as the running node sees, bound
 * without starting it.
 */
public final class NodeConfigFile {

    private final Binder binder;

    private NodeConfigFile(Binder binder) {
        this.binder = binder;
    }

    /** Reads {@code file} (properties, or YAML if it ends in .yml/.yaml). */
    public static NodeConfigFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toAbsolutePath() + " (the node's config file)");
        }
        String name = file.getFileName().toString();
        PropertySourceLoader loader = name.endsWith(".yml") || name.endsWith(".yaml")
                ? new YamlPropertySourceLoader() : new PropertiesPropertySourceLoader();
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        List<PropertySource<?>> own = loader.load("config " + file, new FileSystemResource(file));
        own.forEach(sources::addLast);
        new PropertiesPropertySourceLoader().load("defaults", new ClassPathResource("application.properties")).forEach(sources::addLast);
        return new NodeConfigFile(Binder.get(environment));
    }

    /** The {@code jukibus.*} settings. */
    public NodeProperties node() {
        return bind("jukibus", NodeProperties.class);
    }

    /** The settings under {@code prefix} bound to {@code type} (a {@code @ConfigurationProperties} class). */
    public <T> T bind(String prefix, Class<T> type) {
        return binder.bindOrCreate(prefix, type);
    }
}
