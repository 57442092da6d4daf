package org.jukibus.terminal;

import org.jukibus.audit.OperationLog;
import org.jukibus.core.NodeSettings;
import org.jukibus.operators.OperatorPermissions;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The counter terminal (端末機): server-rendered pages (Spring MVC, Thymeleaf templates in
 * {@code templates/terminal/}) under {@code /terminal} on a municipal node's management port, behind the port's
 * login (operator card and PIN, {@code management.ManagementSecurity}); each task is a controller marked
 * {@link TerminalTask} and listed in the {@link Import} below. See docs/terminal.md.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${jukibus.role:}' == 'municipal' and ${jukibus.terminal.enabled:true}")
@EnableConfigurationProperties(TerminalProperties.class)
@Import({TerminalHome.class, CardCheckTask.class, ReceivedTask.class, StatusTask.class, EntryTasksConfiguration.class})
public class TerminalConfiguration implements WebMvcConfigurer {

    private final OperatorPermissions permissions;
    private final TerminalProperties properties;

    public TerminalConfiguration(OperatorPermissions permissions, TerminalProperties properties) {
        this.permissions = permissions;
        this.properties = properties;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new TaskPermissions(permissions, (int) properties.sessionTimeout().toSeconds()))
                .addPathPatterns("/terminal", "/terminal/**");
    }

    @Bean
    TerminalTasks terminalTasks(ListableBeanFactory beans) {
        return new TerminalTasks(beans);
    }

    @Bean
    TerminalPages terminalPages(NodeSettings settings, TerminalTasks tasks) {
        return new TerminalPages(settings.code(), tasks);
    }

    @Bean
    TerminalLog terminalLog(OperationLog operationLog) {
        return new TerminalLog(operationLog);
    }

    @Bean
    TerminalInbox terminalInbox(NodeSettings settings) {
        return new TerminalInbox(settings.legacyRoot(), properties.inputTimeout());
    }
}
