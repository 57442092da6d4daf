package org.jukibus.terminal;

import java.time.Clock;

import org.apache.camel.ProducerTemplate;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.certificatecopy.ReceivedRequests;
import org.jukibus.flow.certificatecopy.SentRequests;
import org.jukibus.terminal.task.CertificateCopyDesk;
import org.jukibus.terminal.task.TerminalIntake;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The terminal's data-entry tasks (手入力, 第6の4(2)(3), 第6の5(2), 第6の6(1)) and what they share: the drop folders'
 * intake ({@link TerminalIntake}) and the certificate-copy records ({@link CertificateCopyDesk}). Imported by
 * {@link TerminalConfiguration}, so it is there when the terminal is.
 */
@Configuration(proxyBeanMethods = false)
@Import({TransferOutCertificateTask.class, CertificateCopyRequestTask.class, CertificateCopyReviewTask.class,
        IdentityInfoTask.class})
class EntryTasksConfiguration {

    @Bean
    TerminalIntake terminalIntake(ProducerTemplate camel, Environment environment, Clock clock, TransferLedger ledger) {
        // the property the flow's drop-folder route starts by (routes/common/flow-templates.yaml, autoStartup)
        return new TerminalIntake(camel, flow -> environment.getProperty("jukibus.flows." + flow + ".enabled", Boolean.class, true),
                clock, ledger);
    }

    @Bean
    EntryForms entryForms(TerminalIntake intake, TerminalLog log) {
        return new EntryForms(intake, log);
    }

    @Bean
    CertificateCopyDesk certificateCopyDesk(ReceivedRequests received, SentRequests sent, LegacyOutbox outbox) {
        return new CertificateCopyDesk(received, sent, outbox);
    }
}
