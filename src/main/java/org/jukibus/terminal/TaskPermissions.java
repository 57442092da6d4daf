package org.jukibus.terminal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.Permission;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Before any request of a {@link TerminalTask}: the operator must hold {@code terminal:<task>} (権限, 第4の4(5)),
 * checked by the same {@link OperatorPermissions} as the management port's operations (a refusal is counted, logged
 * as {@code PERMISSION_DENIED} and shown as 403 by {@link TerminalPages}). Every terminal request also sets the
 * session's idle timeout to the terminal's ({@code jukibus.terminal.session-timeout}): an unattended counter logs
 * itself out.
 */
final class TaskPermissions implements HandlerInterceptor {

    private final OperatorPermissions permissions;
    private final int sessionTimeoutSeconds;

    TaskPermissions(OperatorPermissions permissions, int sessionTimeoutSeconds) {
        this.permissions = permissions;
        this.sessionTimeoutSeconds = sessionTimeoutSeconds;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        request.getSession().setMaxInactiveInterval(sessionTimeoutSeconds);
        if (handler instanceof HandlerMethod method) {
            TerminalTask task = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), TerminalTask.class);
            if (task != null) {
                permissions.require(Permission.TERMINAL, task.id());
            }
        }
        return true;
    }
}
