package org.jukibus.node;

import org.jukibus.approval.ApprovalConfiguration;
import org.jukibus.audit.AuditConfiguration;
import org.jukibus.calendar.CalendarConfiguration;
import org.jukibus.management.ManagementConfiguration;
import org.jukibus.provision.ProvisionConfiguration;
import org.jukibus.store.StoreConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * One jukibus node: a Spring Boot application context (see {@link NodeLauncher}). The flows' configurations are
 * not listed here: each flow package names its own and {@link FlowConfigurations} imports them.
 */
@SpringBootApplication(scanBasePackages = "org.jukibus.node.none")
@Import({NodeConfiguration.class, ManagementConfiguration.class, StoreConfiguration.class, FlowConfigurations.class,
        AuditConfiguration.class, ApprovalConfiguration.class, ProvisionConfiguration.class, CalendarConfiguration.class,
        org.jukibus.evidence.EvidenceConfiguration.class, org.jukibus.erasure.ErasureConfiguration.class,
        org.jukibus.terminal.TerminalConfiguration.class})
public class NodeApplication {
}
