package org.jukibus.management;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who runs an MBean operation, as the operation log names the actor: the operator logged in to the management port, or JMX. */
public final class OperatorActor {

    private OperatorActor() {
    }

    /** {@code operator:<name>} when called through the management port (Hawtio, Jolokia), else {@code jmx}. */
    public static String current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null ? "jmx" : "operator:" + a.getName();
    }
}
