package org.jukibus.core;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

/**
 * A standard MBean whose operations, attributes and parameters carry the {@link Description} and {@link Param} of
 * its management interface: the JDK's own says "Operation exposed for management" and names parameters p1, p2,
 * which leaves an operator in Hawtio's JMX tab guessing what to type.
 */
final class DescribedMBean<T> extends StandardMBean {

    private final Class<T> operations;

    DescribedMBean(T implementation, Class<T> operations) throws NotCompliantMBeanException {
        super(implementation, operations);
        this.operations = operations;
    }

    @Override
    protected String getDescription(MBeanOperationInfo op) {
        return method(op).map(m -> m.getAnnotation(Description.class)).map(Description::value).orElse(super.getDescription(op));
    }

    @Override
    protected String getDescription(MBeanAttributeInfo attribute) {
        String getter = (attribute.isIs() ? "is" : "get") + attribute.getName();
        return Arrays.stream(operations.getMethods()).filter(m -> m.getName().equals(getter) && m.getParameterCount() == 0)
                .findFirst().map(m -> m.getAnnotation(Description.class)).map(Description::value)
                .orElse(super.getDescription(attribute));
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return param(op, sequence).map(Param::name).orElse(super.getParameterName(op, param, sequence));
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return param(op, sequence).map(Param::value).orElse(super.getDescription(op, param, sequence));
    }

    private Optional<Param> param(MBeanOperationInfo op, int sequence) {
        return method(op).map(m -> m.getParameters()[sequence].getAnnotation(Param.class));
    }

    /** The interface method of an operation: same name, same parameter types. */
    private Optional<Method> method(MBeanOperationInfo op) {
        String[] signature = Arrays.stream(op.getSignature()).map(MBeanParameterInfo::getType).toArray(String[]::new);
        return Arrays.stream(operations.getMethods())
                .filter(m -> m.getName().equals(op.getName()))
                .filter(m -> Arrays.equals(Arrays.stream(m.getParameterTypes()).map(Class::getName).toArray(String[]::new), signature))
                .findFirst();
    }
}
