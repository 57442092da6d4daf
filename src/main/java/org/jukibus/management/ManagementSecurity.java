package org.jukibus.management;

import org.jukibus.operators.CardAuthenticationProvider;
import org.jukibus.operators.CardBoundSession;
import org.jukibus.operators.CardDetails;
import org.jukibus.operators.MonitorAuthentication;
import org.jukibus.operators.MonitorLogin;
import org.jukibus.operators.OperatorAccess;
import org.jukibus.operators.OperatorAuthentication;
import org.jukibus.operators.Permission;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * Everything on the management port needs an operator: the TLS client certificate of a registered operator card
 * (the port is HTTPS only and refuses connections without a certificate of the network's root CA) and that
 * operator's id and PIN as login (standard 第4の4(1)–(4)). Browsers log in with the form (Hawtio sends the session
 * cookie and echoes the XSRF-TOKEN cookie as a header, which is how Hawtio expects Spring Security to be set up);
 * {@code jukibus} commands and scrapers send HTTP Basic with every request. A session stays bound to its card
 * ({@link CardBoundSession}). Hawtio and Artemis's console ({@link ArtemisConsole}) need the permission {@code management}; Jolokia and the actuator any operator
 * (the jukibus MBeans check their own permissions), and {@code /actuator/prometheus} also a monitoring system with its
 * certificate alone ({@link MonitorLogin}), which opens nothing else (403). A request carrying its own credentials cannot be forged
 * cross-site, so CSRF is only checked on cookie-authenticated requests. The liveness and readiness probes say UP or
 * DOWN and nothing else, so they need no login (and are served on the plain-HTTP {@link ProbePort} too).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class ManagementSecurity {

    @Bean
    SecurityFilterChain management(HttpSecurity http, OperatorAccess access, MonitorLogin monitorLogin) throws Exception {
        CsrfTokenRequestAttributeHandler plainToken = new CsrfTokenRequestAttributeHandler();
        plainToken.setCsrfRequestAttributeName(null); // load the token on every request, so the cookie is always there
        http.authenticationManager(new ProviderManager(new CardAuthenticationProvider(access)))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/error").permitAll()
                        .requestMatchers(ProbePort::isProbe).permitAll()
                        .requestMatchers("/actuator/hawtio/**", ArtemisConsole.PATH + "/**").hasAuthority(Permission.MANAGEMENT)
                        .requestMatchers("/actuator/prometheus")
                        .hasAnyAuthority("ROLE_" + OperatorAuthentication.ROLE, MonitorAuthentication.METRICS)
                        .anyRequest().hasRole(OperatorAuthentication.ROLE))
                .formLogin(form -> form.loginPage("/login").authenticationDetailsSource(CardDetails::of))
                .httpBasic(basic -> basic.authenticationDetailsSource(CardDetails::of))
                .addFilterBefore(monitorLogin, BasicAuthenticationFilter.class)
                .addFilterAfter(new CardBoundSession(access), BasicAuthenticationFilter.class)
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(plainToken)
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null));
        return http.build();
    }

    /** The login form ({@code /login}, open to all): operator ID and PIN. */
    @Bean
    LoginPage loginPage(org.jukibus.core.NodeSettings settings) {
        return new LoginPage(settings.code());
    }
}
