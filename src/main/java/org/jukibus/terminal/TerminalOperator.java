package org.jukibus.terminal;

import org.jukibus.operators.OperatorAccess;
import org.jukibus.operators.OperatorAuthentication;
import org.jukibus.operators.Permission;
import org.jukibus.operators.RegisteredOperator;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The operator at the terminal (操作者): the one logged in with card and PIN on this request.
 *
 * @param registered the operator as the officer registered them (id, name, permissions)
 */
public record TerminalOperator(RegisteredOperator registered) {

    /** The operator of the current request. */
    public static TerminalOperator current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof OperatorAuthentication operator) {
            return new TerminalOperator(operator.operator());
        }
        throw new SecurityException("the terminal needs an operator logged in with card and PIN");
    }

    /** The registered operator id. */
    public String id() {
        return registered.id();
    }

    /** The registered name (shown in the header; never written to the operation log). */
    public String name() {
        return registered.name();
    }

    /** The operation log's actor: {@code operator:<id>}, as for the management port's operations. */
    public String actor() {
        return OperatorAccess.actor(id());
    }

    /** Whether the operator holds {@code terminal:<task>} (or {@code terminal:*}). */
    public boolean mayDo(String task) {
        return registered.allows(new Permission(Permission.TERMINAL, task));
    }
}
