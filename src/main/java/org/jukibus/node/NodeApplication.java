package org.jukibus.node;

import org.jukibus.approval.ApprovalConfiguration;
import org.jukibus.audit.AuditConfiguration;
import org.jukibus.calendar.CalendarConfiguration;
import org.jukibus.flow.certificatecopy.CertificateCopyConfiguration;
import org.jukibus.flow.changeinfo.ChangeInfoConfiguration;
import org.jukibus.flow.identity.IdentityConfiguration;
import org.jukibus.flow.nondelivery.NonDeliveryConfiguration;
import org.jukibus.flow.specialtransfer.SpecialTransferConfiguration;
import org.jukibus.flow.transferout.TransferOutConfiguration;
import org.jukibus.monitoring.MonitoringConfiguration;
import org.jukibus.management.ManagementConfiguration;
import org.jukibus.provision.ProvisionConfiguration;
import org.jukibus.store.StoreConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** One jukibus node: a Spring Boot application context (see {@link NodeLauncher}). */
@SpringBootApplication(scanBasePackages = "org.jukibus.node.none")
@Import({NodeConfiguration.class, ManagementConfiguration.class, StoreConfiguration.class,
        SpecialTransferConfiguration.class, TransferOutConfiguration.class, CertificateCopyConfiguration.class, IdentityConfiguration.class,
        MonitoringConfiguration.class, AuditConfiguration.class, ApprovalConfiguration.class, ProvisionConfiguration.class,
        ChangeInfoConfiguration.class, NonDeliveryConfiguration.class, CalendarConfiguration.class,
        org.jukibus.evidence.EvidenceConfiguration.class, org.jukibus.erasure.ErasureConfiguration.class,
        org.jukibus.flow.nondelivery.ReceiptBatchConfiguration.class})
public class NodeApplication {
}
