package org.jukibus.management;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The probe port ({@link ProbePort}), when {@code jukibus.management.probe-port} is set. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("jukibus.management.probe-port")
public class ProbeConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ProbeConfiguration.class);

    @Bean
    ProbePort probePort(ManagementProperties properties) {
        return new ProbePort(properties.getProbePort(), properties.getAddress());
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> probeConnector(ProbePort probePort) {
        return probePort.customizer();
    }

    /** Before Spring Security: on the probe port nothing but the probes reaches the application. */
    @Bean
    FilterRegistrationBean<?> probePortGuard(ProbePort probePort) {
        FilterRegistrationBean<?> guard = new FilterRegistrationBean<>(probePort.guard());
        guard.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return guard;
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> probePortStarted(ProbePort probePort, ManagementProperties properties) {
        return event -> log.info("probe port: http://{}:{}/livez and /readyz (status only, no login)",
                properties.getAddress(), probePort.localPort());
    }
}
