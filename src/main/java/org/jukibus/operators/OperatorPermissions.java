package org.jukibus.operators;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.SecurityEvents;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Checks that the operator who asked for an operation (the web login of the current request: Hawtio, Jolokia) holds
 * the permission for it, per operation kind and flow (standard 第4の4(5)). A refusal names the missing permission, is
 * counted in {@link SecurityEvents} and recorded in the operation log. An operation with no web login behind it comes
 * from JMX inside the node's own JVM (the node itself, an attached console), which the operating system guards.
 */
public class OperatorPermissions {

    private final OperationLog audit;
    private final SecurityEvents securityEvents;

    public OperatorPermissions(OperationLog audit, SecurityEvents securityEvents) {
        this.audit = audit;
        this.securityEvents = securityEvents;
    }

    /**
     * @throws SecurityException naming the operator and the missing permission
     */
    public void require(String operation, String flow) {
        Permission wanted = new Permission(operation, flow == null || flow.isBlank() ? Permission.ANY_FLOW : flow);
        require(wanted);
    }

    /** For operations not about a flow ({@code status}, {@code management}). */
    public void require(String operation) {
        require(new Permission(operation, null));
    }

    /**
     * Records an operation offered to nobody on the management port (whatever the permissions), as a refusal.
     *
     * @param operation what was asked for
     * @param why       what to do instead
     */
    public void refuse(String operation, String why) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String who = auth == null ? "in-JVM JMX" : auth.getName();
        securityEvents.permissionDenied(who, operation, "management port");
        audit.record(AuditEvent.of(AuditKind.PERMISSION_DENIED).actor(OperatorAccess.actor(who))
                .detail(operation + " refused: " + why));
    }

    private void require(Permission wanted) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null) {
            return; // in-JVM JMX, no web login
        }
        if (auth instanceof OperatorAuthentication operator && operator.operator().allows(wanted)) {
            return;
        }
        String who = auth.getName();
        String missing = wanted.flow() != null && wanted.flow().equals(Permission.ANY_FLOW)
                ? wanted + " (every flow; give --flow for one)" : wanted.toString();
        securityEvents.permissionDenied(who, wanted.toString(), "management port");
        audit.record(AuditEvent.of(AuditKind.PERMISSION_DENIED).actor(OperatorAccess.actor(who)).flow(wanted.flow())
                .detail("missing permission " + wanted));
        throw new SecurityException("operator " + who + " does not have the permission " + missing);
    }
}
