package org.jukibus.operators;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A logged-in operator: the registered operator and the card (certificate SHA-256) the login was made with, so a
 * session is only good with that card. Authorities: {@code ROLE_OPERATOR} and each permission as written.
 */
public final class OperatorAuthentication extends AbstractAuthenticationToken {

    /** The role every logged-in operator has. */
    public static final String ROLE = "OPERATOR";

    private final RegisteredOperator operator;

    public OperatorAuthentication(RegisteredOperator operator, Object details) {
        super(authorities(operator));
        this.operator = operator;
        setDetails(details);
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(RegisteredOperator operator) {
        List<GrantedAuthority> out = new ArrayList<>();
        out.add(new SimpleGrantedAuthority("ROLE_" + ROLE));
        operator.permissions().forEach(p -> out.add(new SimpleGrantedAuthority(p.toString())));
        return out;
    }

    public RegisteredOperator operator() {
        return operator;
    }

    @Override
    public Object getCredentials() {
        return null; // the PIN is never kept
    }

    @Override
    public Object getPrincipal() {
        return operator.id();
    }

    @Override
    public String getName() {
        return operator.id();
    }
}
