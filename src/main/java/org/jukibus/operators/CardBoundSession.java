package org.jukibus.operators;

import java.io.IOException;
import java.security.cert.X509Certificate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps a logged-in session bound to the card it logged in with: every request of the session must come over a TLS
 * connection authenticated with the same card, by an operator still registered with it and not locked (a lock, or
 * the officer removing the operator, ends the session at its next request, standard 第4の4(8)). Otherwise the
 * session is ended and the request refused (401).
 */
public class CardBoundSession extends OncePerRequestFilter {

    private final OperatorAccess access;

    public CardBoundSession(OperatorAccess access) {
        this.access = access;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof OperatorAuthentication operator) {
            X509Certificate card = CardDetails.card(request);
            String loggedInWith = operator.operator().certificateSha256();
            if (card == null || !RegisteredOperator.fingerprint(card).equals(loggedInWith)
                    || !access.stillValid(operator.getName(), loggedInWith)) {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                SecurityContextHolder.clearContext();
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "session ended: log in again with your card and PIN");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
