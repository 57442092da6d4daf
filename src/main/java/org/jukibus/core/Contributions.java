package org.jukibus.core;

import java.lang.reflect.InvocationTargetException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.type.filter.AssignableTypeFilter;

/**
 * Collects what the packages of jukibus contribute to a registry (a flow package its flows and payload types):
 * one instance of every concrete class under {@code org.jukibus} that implements the contribution's interface,
 * ordered by class name. The registries thereby hold no hand-written list that names every package, so a new
 * flow is added in its own package only (docs/adding-a-flow.md), and the common code does not import the flows.
 * Found once per class loader and interface: the scan reads the class files, it does not load them all.
 */
public final class Contributions {

    private static final String ROOT = "org.jukibus";
    private static final Map<Class<?>, List<?>> FOUND = new ConcurrentHashMap<>();

    private Contributions() {
    }

    /** One instance of each implementation of {@code type} (each needs a public no-argument constructor). */
    @SuppressWarnings("unchecked")
    public static <T> List<T> of(Class<T> type) {
        return (List<T>) FOUND.computeIfAbsent(type, Contributions::scan);
    }

    private static <T> List<T> scan(Class<T> type) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.setResourceLoader(new DefaultResourceLoader(type.getClassLoader()));
        scanner.addIncludeFilter(new AssignableTypeFilter(type));
        return scanner.findCandidateComponents(ROOT).stream()
                .map(BeanDefinition::getBeanClassName)
                .sorted(Comparator.naturalOrder())
                .map(name -> instantiate(type, name))
                .toList();
    }

    private static <T> T instantiate(Class<T> type, String className) {
        try {
            return type.cast(Class.forName(className, true, type.getClassLoader()).getDeclaredConstructor().newInstance());
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException e) {
            throw new IllegalStateException(className + " contributes to " + type.getSimpleName()
                    + " but cannot be made with a public no-argument constructor", e);
        }
    }
}
