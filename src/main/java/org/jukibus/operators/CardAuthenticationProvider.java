package org.jukibus.operators;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * The management port's login (Hawtio's form, HTTP Basic for {@code jukibus} commands and scrapers): the user name is
 * the operator id, the password is the PIN, and the card is the TLS client certificate of the same request
 * ({@link CardDetails}); {@link OperatorAccess} decides.
 */
public class CardAuthenticationProvider implements AuthenticationProvider {

    private final OperatorAccess access;

    public CardAuthenticationProvider(OperatorAccess access) {
        this.access = access;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication.getDetails() instanceof CardDetails details)) {
            throw new BadCredentialsException("no operator card");
        }
        Object pin = authentication.getCredentials();
        try {
            RegisteredOperator operator = access.login(details.card(), authentication.getName(),
                    pin == null ? null : pin.toString(), details.remote());
            return new OperatorAuthentication(operator, details);
        } catch (LoginRefusedException e) {
            throw new BadCredentialsException(e.getMessage());
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
