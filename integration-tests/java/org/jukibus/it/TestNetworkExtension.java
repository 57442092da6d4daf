package org.jukibus.it;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Provisions the {@link Provisioned} fields of a test class: the TempDir / provision / start / close lifecycle
 * every multi-node test needs, written once. The network is closed (nodes, then the shared store) and its
 * folder deleted when the JUnit context it was made for closes: the class for a static field, the test for
 * an instance field.
 */
final class TestNetworkExtension implements BeforeAllCallback, BeforeEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestNetworkExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Field field : fields(context.getRequiredTestClass(), true)) {
            field.set(null, provision(context, field));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Object test = context.getRequiredTestInstance();
        for (Field field : fields(test.getClass(), false)) {
            field.set(test, provision(context, field));
        }
    }

    private static List<Field> fields(Class<?> testClass, boolean statics) {
        return AnnotationSupport.findAnnotatedFields(testClass, Provisioned.class,
                f -> Modifier.isStatic(f.getModifiers()) == statics);
    }

    private static TestNetwork provision(ExtensionContext context, Field field) throws IOException {
        if (field.getType() != TestNetwork.class) {
            throw new IllegalStateException("@Provisioned " + field + " must be a TestNetwork");
        }
        field.setAccessible(true);
        Provisioned what = field.getAnnotation(Provisioned.class);
        Path folder = Files.createTempDirectory("jukibus-" + context.getRequiredTestClass().getSimpleName() + "-");
        Closing closing = new Closing(folder);
        // stored before provisioning: the folder goes even when provisioning fails half-way
        context.getStore(NAMESPACE).put(field, closing);
        closing.net = TestNetwork.provision(folder, what.value());
        List<String> started = List.of(what.started());
        if (started.equals(List.of(Provisioned.ALL))) {
            closing.net.start();
        } else if (!started.isEmpty()) {
            closing.net.start(what.started());
        }
        return closing.net;
    }

    /** Closes a network and deletes its folder when JUnit closes the context that stored it. */
    private static final class Closing implements ExtensionContext.Store.CloseableResource {

        private final Path folder;
        private TestNetwork net;

        Closing(Path folder) {
            this.folder = folder;
        }

        @Override
        public void close() throws IOException {
            if (net != null) {
                net.close();
            }
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
