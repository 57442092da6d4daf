package org.jukibus.operators;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jukibus.audit.OperationLog;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.MonitorIdentity;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The login of a monitoring system (a Prometheus scraping the node): a request without credentials whose TLS client
 * certificate is a monitoring certificate ({@code jukibus pki issue-monitor}, {@link MonitorIdentity}) is authenticated
 * as that monitor ({@link MonitorAuthentication}, authority {@code metrics}) for this request only, no session, no
 * PIN: a scraper has no one to type it, and a PIN in its config could be guessed into locking an operator. The
 * certificate is validated as an operator card is (root CA, validity, the CRL in force); a refused one gets 401 and
 * goes to the security log and the operation log ({@link RefusedMonitors}: a scraper retrying every 15 s writes
 * one line per certificate, reason and hour there, with the count). Which paths the authority opens is {@code ops.ManagementSecurity}'s
 * business. Any other certificate (an operator card) passes on to the card + PIN login.
 */
public class MonitorLogin extends OncePerRequestFilter {

    private final CertificateValidator validator;
    private final SecurityEvents securityEvents;
    private final RefusedMonitors refused;
    private final ClientCertificates clientCertificates;

    public MonitorLogin(CertificateValidator validator, SecurityEvents securityEvents, OperationLog audit, Clock clock,
                        ClientCertificates clientCertificates) {
        this.validator = validator;
        this.clientCertificates = clientCertificates;
        this.securityEvents = securityEvents;
        this.refused = new RefusedMonitors(audit, clock);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        X509Certificate cert = CardDetails.card(request);
        if (cert == null || request.getHeader("Authorization") != null || !isMonitoringCertificate(cert)) {
            chain.doFilter(request, response);
            return;
        }
        MonitorIdentity monitor;
        try {
            monitor = validator.validateMonitor(cert);
        } catch (CertificateRejectedException e) {
            String why = "monitoring certificate refused (" + e.reason() + "): " + e.getMessage();
            securityEvents.loginRefused(request.getRemoteAddr(), "management port: " + why);
            refused.refused(cert.getSerialNumber().toString(16), e.reason().name(), why);
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, why);
            return;
        }
        clientCertificates.monitorAccepted(cert); // its lifetime, for the warning before scraping stops
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new MonitorAuthentication(monitor, CardDetails.of(request)));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static boolean isMonitoringCertificate(X509Certificate cert) {
        try {
            MonitorIdentity.fromCertificate(cert);
            return true;
        } catch (IllegalArgumentException notOne) {
            return false;
        }
    }
}
