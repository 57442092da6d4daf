package org.jukibus.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link TestNetwork} field provisioned by {@link TestNetworkExtension}: a static field holds one network
 * for the whole class (provisioned before its {@code @BeforeAll} methods, closed after its {@code @AfterAll}
 * methods), an instance field or a test method's parameter a fresh one for every test (closed after its
 * {@code @AfterEach} methods).
 * Each network lives in its own temporary folder, deleted with it.
 *
 * <pre>
 * &#64;Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA})
 * static TestNetwork net;
 * </pre>
 *
 * A test that sets node properties or the CA before the nodes start leaves {@link #started} empty and
 * starts them in its {@code @BeforeAll} (or {@code @BeforeEach}).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TestNetworkExtension.class)
@interface Provisioned {

    /** In {@link #started}: every node of the network. */
    String ALL = "*";

    /** The nodes besides central ({@link Codes}). */
    String[] value();

    /** The nodes started once provisioned ({@link #ALL} for all, central too); none by default. */
    String[] started() default {};
}
