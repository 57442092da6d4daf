package org.jukibus.operators;

import javax.management.ObjectName;

import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Jolokia's access restrictor on the management port ({@code management.endpoint.jolokia.config.restrictorClass}):
 * the jukibus MBeans ({@code org.jukibus:*}) are open to every logged-in operator because they check the operator's
 * permissions per operation and flow themselves ({@link OperatorPermissions}); every other MBean (Camel, Artemis, the
 * JVM) only to operators with the permission {@code management}, as Hawtio is. Jolokia creates it by class name, so it
 * reads the operator from the request thread's security context, like the MBeans.
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
        return allowed(name);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return allowed(name);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        return allowed(name);
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
