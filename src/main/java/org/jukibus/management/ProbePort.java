package org.jukibus.management;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The probe port ({@code jukibus.management.probe-port}): plain HTTP for a load balancer, systemd or Kubernetes, which
 * hold no operator card. It answers GET on the liveness and readiness paths with the status alone ({@code UP} or
 * {@code DOWN}, HTTP 200 or 503; the health groups show neither details nor components) and 404 to everything else,
 * so Hawtio, Jolokia, metrics and the login form stay on the HTTPS management port behind card and PIN. A second
 * Tomcat connector of the same web server: the port is off unless configured.
 */
public final class ProbePort {

    /** Boot's probe paths: the health groups, and the same on the server's root. */
    public static final Set<String> PATHS = Set.of("/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz");

    private final Connector connector;

    /** @param port the port, 0 for a free one; {@code address} as the management port's */
    public ProbePort(int port, String address) {
        connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        connector.setPort(port);
        try {
            connector.setProperty("address", InetAddress.getByName(address).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("jukibus.management.address '" + address + "' does not resolve", e);
        }
    }

    /** Adds the connector to the management port's web server. */
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> customizer() {
        return factory -> factory.addAdditionalTomcatConnectors(connector);
    }

    /** The port it listens on (the free one picked for 0), -1 before the server started. */
    public int localPort() {
        return connector.getLocalPort();
    }

    /** Lets through only GET of {@link #PATHS} on the probe port, before anything else sees the request. */
    public OncePerRequestFilter guard() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (request.getLocalPort() == localPort() && !isProbe(request)) {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    /** A probe: GET (or HEAD) of one of {@link #PATHS}, on whichever port. */
    public static boolean isProbe(HttpServletRequest request) {
        return ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
                && PATHS.contains(request.getRequestURI());
    }
}
