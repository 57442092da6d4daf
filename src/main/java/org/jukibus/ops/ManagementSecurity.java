package org.jukibus.ops;

import static org.springframework.security.config.Customizer.withDefaults;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * Everything on the management port needs an operator login: Hawtio, Jolokia and every actuator
 * endpoint, health included. Browsers log in with the form (Hawtio sends the session cookie and
 * echoes the XSRF-TOKEN cookie as a header, which is how Hawtio expects Spring Security to be
 * set up); the {@code jukibus dlq} command and scrapers send HTTP Basic with every request. A
 * request carrying its own credentials cannot be forged cross-site, so CSRF is only checked on
 * cookie-authenticated requests.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class ManagementSecurity {

    @Bean
    InMemoryUserDetailsManager operators(ManagementProperties properties) {
        return OperatorUsers.from(properties.getUsers());
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return OperatorUsers.encoder();
    }

    @Bean
    SecurityFilterChain management(HttpSecurity http) throws Exception {
        CsrfTokenRequestAttributeHandler plainToken = new CsrfTokenRequestAttributeHandler();
        plainToken.setCsrfRequestAttributeName(null); // load the token on every request, so the cookie is always there
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/error").permitAll()
                        .anyRequest().hasRole(OperatorUsers.ROLE))
                .formLogin(withDefaults())
                .httpBasic(withDefaults())
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(plainToken)
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null));
        return http.build();
    }
}
