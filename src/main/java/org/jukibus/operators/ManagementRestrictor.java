package org.jukibus.operators;

import javax.management.ObjectName;

import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Jolokia's access restrictor on the management port ({@code management.endpoint.jolokia.config.restrictorClass}):
 * the jukibus MBeans ({@code org.jukibus:*}) are open to every logged-in operator because they check the operator's
 * permissions per operation and flow themselves ({@link OperatorPermissions}); every other MBean (Camel, Artemis, the
 * JVM) only to operators with the permission {@code management}, as Hawtio is. On the broker's MBeans (Hawtio's JMX
 * tab, Artemis's console at {@code /console/}) {@link BrokerOperations} decides further: reading messages needs
 * {@code dlq.read} for the queue's flow and is written to the operation log, and operations that change the broker or
 * its messages, and attribute writes, are refused to every operator (logged as refused); the attribute holding a
 * queue's first message is not readable. Jolokia creates it by class
 * name, so it reads the operator from the request thread's security context, like the MBeans, and the node's
 * {@link OperatorPermissions} and {@link OperationLog} from the request's application context (several nodes can
 * share a JVM, each with its own).
 */
public class ManagementRestrictor implements Restrictor {

    static final String JUKIBUS_DOMAIN = "org.jukibus";

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return true; // Spring Security decides who reaches Jolokia at all
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return true;
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        // an attribute holding a message (FirstMessageAsJSON) is not read at all: Hawtio reads every attribute of an
        // MBean on each refresh, which would be a browse, and a log entry, every few seconds; the browse operations
        // show messages, logged. Not logged as refused either, for the same reason.
        return allowed(name) && !(BrokerOperations.isBroker(name)
                && BrokerOperations.attributeKind(attribute) == BrokerOperations.Kind.BROWSE);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        if (allowed(name) && BrokerOperations.isBroker(name)) {
            return refused(name, "writing the attribute " + attribute);
        }
        return allowed(name);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        String refusal = allowed(name) ? JvmAndCamelOperations.refusal(name, operation) : null;
        if (refusal != null) {
            return refused(name, operation, refusal);
        }
        if (!allowed(name) || !BrokerOperations.isBroker(name)) {
            return allowed(name);
        }
        return switch (BrokerOperations.kind(operation)) {
            case READ -> true;
            case BROWSE -> browse(name, operation);
            case REFUSED -> refused(name, operation);
        };
    }

    /** Reading messages: {@code dlq.read} for the queue's flow, and an entry in the operation log. */
    private static boolean browse(ObjectName name, String operation) {
        OperatorPermissions permissions = bean(OperatorPermissions.class);
        OperationLog audit = bean(OperationLog.class);
        if (permissions == null || audit == null) {
            return false; // not a web request of this node: nobody to check, nowhere to log
        }
        String flow = BrokerOperations.flow(name);
        try {
            permissions.require(Permission.DLQ_READ, flow);
        } catch (SecurityException denied) {
            return false; // recorded by require
        }
        audit.record(AuditEvent.of(AuditKind.OPERATION)
                .actor(OperatorAccess.actor(SecurityContextHolder.getContext().getAuthentication().getName()))
                .flow(Permission.ANY_FLOW.equals(flow) ? null : flow)
                .detail("broker " + operation + " on " + BrokerOperations.target(name)));
        return true;
    }

    /** A change to the broker: refused whatever the operator's permissions, and recorded. */
    private static boolean refused(ObjectName name, String what) {
        OperatorPermissions permissions = bean(OperatorPermissions.class);
        if (permissions != null) {
            permissions.refuse("broker " + what + " on " + BrokerOperations.target(name),
                    "changes to the broker are not offered on the management port; the dead-letter operations"
                            + " (org.jukibus:type=DeadLetters, jukibus dlq) replay and purge per flow");
        }
        return false;
    }

    /** An operation of another MBean no operator may run ({@link JvmAndCamelOperations}): refused and recorded. */
    private static boolean refused(ObjectName name, String operation, String why) {
        OperatorPermissions permissions = bean(OperatorPermissions.class);
        if (permissions != null) {
            permissions.refuse(operation + " on " + name, why);
        }
        return false;
    }

    private static <T> T bean(Class<T> type) {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request)) {
            return null;
        }
        WebApplicationContext context = WebApplicationContextUtils.getWebApplicationContext(
                request.getRequest().getServletContext());
        return context == null ? null : context.getBeanProvider(type).getIfAvailable();
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return true;
    }

    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        return true;
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return false;
    }

    private static boolean allowed(ObjectName name) {
        if (name != null && JUKIBUS_DOMAIN.equals(name.getDomain())) {
            return true;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth instanceof OperatorAuthentication operator
                && operator.operator().allows(new Permission(Permission.MANAGEMENT, null));
    }
}
