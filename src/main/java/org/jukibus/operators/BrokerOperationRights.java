package org.jukibus.operators;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;

import io.hawt.jmx.JMXSecurityMBean;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Tells Hawtio's console what the logged-in operator may invoke, so that it does not offer what the server refuses
 * ({@link ManagementRestrictor}): Hawtio's RBAC asks an MBean named {@code *:type=security,area=jmx,*}, and Artemis's
 * console hides its Delete, Purge, Send Message, Create and Browse actions when the operation may not be invoked. A
 * question, not an operation: nothing is logged. Answers from the request thread's operator alone, so one instance
 * serves every node of the JVM (the platform MBean server is shared); registered once, like Hawtio's own dummy.
 */
public final class BrokerOperationRights implements JMXSecurityMBean {

    static final String NAME = "hawtio:type=security,area=jmx,name=JukibusOperatorRights";

    /** Registers the MBean with the platform MBean server, unless a node of this JVM already did. */
    public static void register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(NAME);
            synchronized (BrokerOperationRights.class) {
                if (!server.isRegistered(name)) {
                    server.registerMBean(new StandardMBean(new BrokerOperationRights(), JMXSecurityMBean.class), name);
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + NAME, e);
        }
    }

    @Override
    public boolean canInvoke(String objectName) {
        return true; // who may see an MBean at all is the restrictor's and Spring Security's decision
    }

    @Override
    public boolean canInvoke(String objectName, String methodName) throws Exception {
        return canInvoke(objectName, methodName, new String[0]);
    }

    @Override
    public boolean canInvoke(String objectName, String methodName, String[] argumentTypes) throws Exception {
        ObjectName name = new ObjectName(objectName);
        if (JvmAndCamelOperations.refusal(name, methodName) != null) {
            return false; // refused to every operator by ManagementRestrictor: not offered
        }
        if (!BrokerOperations.isBroker(name)) {
            return true; // jukibus's MBeans check their permissions per flow when run; others need only management
        }
        return switch (BrokerOperations.kind(methodName)) {
            case READ -> true;
            case BROWSE -> operatorAllows(new Permission(Permission.DLQ_READ, BrokerOperations.flow(name)));
            case REFUSED -> false;
        };
    }

    @Override
    public TabularData canInvoke(Map<String, List<String>> bulkQuery) throws Exception {
        TabularData answer = new TabularDataSupport(CAN_INVOKE_TABULAR_TYPE);
        for (Map.Entry<String, List<String>> mbean : bulkQuery.entrySet()) {
            for (String method : mbean.getValue()) {
                answer.put(new CompositeDataSupport(CAN_INVOKE_RESULT_ROW_TYPE, CAN_INVOKE_RESULT_COLUMNS,
                        new Object[] {mbean.getKey(), method, canInvoke(mbean.getKey(), method, new String[0])}));
            }
        }
        return answer;
    }

    private static boolean operatorAllows(Permission wanted) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth instanceof OperatorAuthentication operator && operator.operator().allows(wanted);
    }
}
