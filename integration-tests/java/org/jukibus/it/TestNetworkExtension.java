package org.jukibus.it;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Provisions the {@link Provisioned} fields of a test class: the TempDir / provision / start / close lifecycle
 * every multi-node test needs, written once. The network is discarded (nodes, shared store and folder) when the JUnit context it was made for closes: the class for a static field, the test for
 * an instance field or a test method's parameter (a test that needs a network of its own).
 */
final class TestNetworkExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestNetworkExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Field field : fields(context.getRequiredTestClass(), true)) {
            field.set(null, provision(context, field, field.getAnnotation(Provisioned.class)));
        }
    }

    /**
     * A class that assigned another network to its static field (ProvisionIT once did, in its {@code @BeforeAll}) would
     * leave that network's nodes running in the test JVM until it ends, retrying their links every few seconds beside
     * every later test: it is closed here and the class fails, naming the field.
     */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Field field : fields(context.getRequiredTestClass(), true)) {
            Object current = field.get(null);
            Provision provisioned = context.getStore(NAMESPACE).get(field, Provision.class);
            if (current instanceof TestNetwork other && provisioned != null && other != provisioned.net()) {
                other.discard();
                throw new IllegalStateException("@Provisioned " + field + " was assigned another TestNetwork; the extension"
                        + " provisions and closes that field's network, so the other would have leaked (closed now)");
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Object test = context.getRequiredTestInstance();
        for (Field field : fields(test.getClass(), false)) {
            field.set(test, provision(context, field, field.getAnnotation(Provisioned.class)));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(Provisioned.class) && parameter.getParameter().getType() == TestNetwork.class;
    }

    @Override
    public TestNetwork resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return provision(context, parameter.getParameter(), parameter.findAnnotation(Provisioned.class).orElseThrow());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Field> fields(Class<?> testClass, boolean statics) {
        return AnnotationSupport.findAnnotatedFields(testClass, Provisioned.class,
                f -> Modifier.isStatic(f.getModifiers()) == statics);
    }

    private static TestNetwork provision(ExtensionContext context, Field field, Provisioned what) throws IOException {
        if (field.getType() != TestNetwork.class) {
            throw new IllegalStateException("@Provisioned " + field + " must be a TestNetwork");
        }
        field.setAccessible(true);
        return provision(context, (Object) field, what);
    }

    /** Provisions (and starts) a network for {@code key}, closed with {@code context}. */
    private static TestNetwork provision(ExtensionContext context, Object key, Provisioned what) throws IOException {
        TestNetwork net = TestNetwork.provisionTemporary(what.value());
        context.getStore(NAMESPACE).put(key, new Provision(net));
        List<String> started = List.of(what.started());
        if (started.equals(List.of(Provisioned.ALL))) {
            net.start();
        } else if (!started.isEmpty()) {
            net.start(what.started());
        }
        return net;
    }

    /** A provisioned network, discarded when the JUnit context it was made for closes. */
    private record Provision(TestNetwork net) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            net.discard();
        }
    }
}
