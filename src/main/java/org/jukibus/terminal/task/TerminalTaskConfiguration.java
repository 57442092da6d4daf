package org.jukibus.terminal.task;

import java.time.Clock;

import org.apache.camel.ProducerTemplate;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.certificatecopy.ReceivedRequests;
import org.jukibus.flow.certificatecopy.SentRequests;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The counter terminal's data-entry tasks on a municipal node: the intake they share with the drop folders. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "jukibus.role", havingValue = "municipal")
public class TerminalTaskConfiguration {

    @Bean
    TerminalIntake terminalIntake(ProducerTemplate camel, Environment environment, Clock clock) {
        // the property the flow's drop-folder route starts by (routes/common/flow-templates.yaml, autoStartup)
        return new TerminalIntake(camel, flow -> environment.getProperty("jukibus.flows." + flow + ".enabled", Boolean.class, true),
                clock);
    }

    @Bean
    CertificateCopyDesk certificateCopyDesk(ReceivedRequests received, SentRequests sent, LegacyOutbox outbox) {
        return new CertificateCopyDesk(received, sent, outbox);
    }
}
