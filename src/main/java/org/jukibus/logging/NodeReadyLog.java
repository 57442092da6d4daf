package org.jukibus.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * One line when a node is up, in place of Spring Boot's and Camel's start-up summaries (switched off in
 * application.properties): which node, how long it took, where its management port is. The package check in
 * CI and operators' scripts wait for it.
 */
public final class NodeReadyLog implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(NodeReadyLog.class);

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        String management = event.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null
                ? "; management port https://" + env.getProperty("server.address", "127.0.0.1") + ":" + web.getWebServer().getPort()
                : "";
        LOG.info("{} in {} ms{}", marker(env.getProperty("jukibus.code"), env.getProperty("jukibus.role")),
                event.getTimeTaken() == null ? "?" : event.getTimeTaken().toMillis(), management);
    }

    /** What the line starts with: {@code node 131041 (municipal) ready}. */
    public static String marker(String code, String role) {
        return "node " + code + " (" + role + ") ready";
    }
}
