package org.jukibus.management;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

import org.jukibus.operators.BrokerOperationRights;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;

/**
 * Artemis's own console (the Hawtio application of the Artemis distribution's {@code web/console.war}, with the
 * Artemis plugin: queues and addresses with their counts, consumers, connections, messages) at {@code /console/} on
 * the management port, behind the same card + PIN login and the permission {@code management} as Hawtio. The build
 * unpacks it from the distribution (pom.xml, {@code unpack-artemis-console}); its war's remote plugin entry is empty
 * in Artemis 2.40, so it runs as its own page rather than as a tab of {@code /actuator/hawtio/}. Its back-end calls
 * (user, plugins, login state, Jolokia) are forwarded to the node's Hawtio and Jolokia, so it reads the embedded
 * broker's MBeans ({@code org.apache.activemq.artemis:broker="jukibus-<code>"}) through
 * {@code operators.ManagementRestrictor}: browsing messages needs {@code dlq.read}, changes to the broker are refused;
 * {@link BrokerOperationRights} tells the console so, and it hides those actions.
 */
@Configuration(proxyBeanMethods = false)
@Controller
public class ArtemisConsole implements WebMvcConfigurer {

    /** Where the console is served, as its build expects ({@code <base href="/console/">}). */
    public static final String PATH = "/console";
    private static final String ASSETS = "artemis-console/";

    /** What the operator may invoke, for Hawtio's RBAC (the console's actions, the JMX tab's operations). */
    @Bean
    static SmartInitializingSingleton brokerOperationRights() {
        return BrokerOperationRights::register;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(PATH + "/**").addResourceLocations("classpath:/" + ASSETS)
                .resourceChain(true).addResolver(new PathResourceResolver() {
                    @Override
                    protected Resource getResource(String path, Resource location) throws IOException {
                        Resource asset = super.getResource(path, location);
                        // the console's own pages (/console/artemis, /console/jmx ...) are routes of its index.html
                        return asset != null || path.contains(".") ? asset : new ClassPathResource(ASSETS + "index.html");
                    }
                });
    }

    /** The console's back-end calls, answered by the node's Hawtio (which has no login of its own: Spring Security). */
    @RequestMapping({PATH + "/user", PATH + "/plugin", PATH + "/keycloak/enabled", PATH + "/proxy/enabled",
            PATH + "/auth/config/**", PATH + "/auth/logout", PATH + "/refresh"})
    String hawtio(HttpServletRequest request) {
        return forward(request, "/actuator/hawtio");
    }

    /** Its Jolokia: the node's, with the node's restrictor. */
    @RequestMapping({PATH + "/jolokia", PATH + "/jolokia/**"})
    String jolokia(HttpServletRequest request) {
        return forward(request, "/actuator");
    }

    private static String forward(HttpServletRequest request, String to) {
        String query = request.getQueryString();
        return "forward:" + to + request.getRequestURI().substring(request.getContextPath().length() + PATH.length())
                + (query == null ? "" : "?" + query);
    }
}
