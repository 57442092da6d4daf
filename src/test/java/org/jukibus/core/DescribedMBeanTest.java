package org.jukibus.core;

import org.jukibus.management.DeadLetterOperations;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;

import org.jukibus.flow.identity.IdentityOperations;
import org.jukibus.flow.nondelivery.DeliveryStatusOperations;
import org.jukibus.monitoring.NodeStatusOperations;
import org.jukibus.provision.ProvisionOperations;
import org.junit.jupiter.api.Test;

/** What Hawtio's JMX tab and Jolokia's list show of the node's MBeans: descriptions and parameter names, not p1. */
class DescribedMBeanTest {

    static final List<Class<?>> NODE_MBEANS = List.of(DeadLetterOperations.class, NodeStatusOperations.class,
            IdentityOperations.class, ProvisionOperations.class, DeliveryStatusOperations.class);

    @Test
    void the_dead_letter_purge_says_what_it_does_and_names_its_parameters() throws Exception {
        MBeanOperationInfo purge = operation(info(DeadLetterOperations.class), "purge");
        assertThat(purge.getDescription()).startsWith("Removes the dead letters of a flow");
        assertThat(purge.getSignature()).extracting(MBeanParameterInfo::getName).containsExactly("flow", "confirm");
        assertThat(purge.getSignature()[0].getDescription()).contains("empty for every flow");
        assertThat(purge.getSignature()[1].getType()).isEqualTo("boolean");
    }

    @Test
    void every_operation_attribute_and_parameter_of_the_node_mbeans_is_described_and_named() throws Exception {
        for (Class<?> operations : NODE_MBEANS) {
            MBeanInfo info = info(operations);
            assertThat(info.getOperations().length + info.getAttributes().length).as(operations.getSimpleName()).isPositive();
            assertThat(info.getOperations()).as(operations.getSimpleName()).allSatisfy(op -> {
                assertThat(op.getDescription()).as(op.getName()).isNotEqualTo("Operation exposed for management");
                for (MBeanParameterInfo p : op.getSignature()) {
                    assertThat(p.getName()).as(op.getName()).doesNotMatch("p[0-9]+");
                    assertThat(p.getDescription()).as(op.getName() + " " + p.getName()).isNotEqualTo("");
                }
            });
            for (MBeanAttributeInfo a : info.getAttributes()) {
                assertThat(a.getDescription()).as(operations.getSimpleName() + "." + a.getName())
                        .isNotEqualTo("Attribute exposed for management");
            }
        }
    }

    private static MBeanOperationInfo operation(MBeanInfo info, String name) {
        return java.util.Arrays.stream(info.getOperations()).filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
    }

    /** The MBean info of an implementation that answers nothing: only the interface's annotations matter. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MBeanInfo info(Class<?> operations) throws Exception {
        Object nothing = Proxy.newProxyInstance(operations.getClassLoader(), new Class<?>[] {operations}, (p, m, a) -> null);
        return new DescribedMBean(nothing, (Class) operations).getMBeanInfo();
    }
}
