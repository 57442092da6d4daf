package org.jukibus.approval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import org.apache.camel.spring.boot.CamelConfigurationProperties;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeSettings;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Approved programs only: the node's routes, broker configuration, jar and schemas are checked against the officer's signed
 * manifest before anything loads them, and then loaded from the node's private copy of the verified bytes.
 *
 * <p>Why this hook: Camel Spring Boot reads {@code camel.main.routes-include-pattern} and loads the routes when the
 * context has been refreshed, after every singleton bean exists; the broker is a bean that needs
 * {@link ApprovedPrograms}. So this bean runs first in both cases, and it points Camel's include pattern (the same
 * {@link CamelConfigurationProperties} object Camel reads) at the verified copy, whatever the configuration says.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApprovalProperties.class)
public class ApprovalConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApprovalConfiguration.class);
    private static final String MANIFEST = "APPROVED.xml";

    @Bean
    ApprovedPrograms approvedPrograms(NodeSettings settings, NodeProperties node, ApprovalProperties approval,
                                      NetworkTrust trust, Clock clock, OperationLog operationLog,
                                      CamelConfigurationProperties camel) throws Exception {
        if (!approval.isRequired()) {
            log.warn("""

                    ************************************************************************
                    jukibus.approval.required=false: this node loads routes and a broker
                    configuration that NO OFFICER APPROVED (standard 第4の8(1)イ).
                    For development only: never on a node of the network.
                    ************************************************************************""");
            operationLog.record(AuditEvent.of(AuditKind.APPROVAL_DISABLED)
                    .detail("jukibus.approval.required=false: routes from " + node.getRoutesDir().toAbsolutePath()
                            + " and broker configuration from " + settings.brokerConfigDir().toAbsolutePath() + " not checked"));
            return new ApprovedPrograms(false, node.getRoutesDir(), settings.brokerConfigDir(), null);
        }
        if (camel.getMain().isRoutesReloadEnabled()) {
            throw new IllegalStateException("camel.main.routes-reload-enabled reloads route files as they change, "
                    + "unapproved; it cannot be on while jukibus.approval.required is");
        }
        Path officerFile = approval.getOfficerCertificate();
        if (officerFile == null || !Files.isRegularFile(officerFile)) {
            throw new IllegalStateException((officerFile == null ? "jukibus.approval.officer-certificate is not set"
                    : "jukibus.approval.officer-certificate: " + officerFile.toAbsolutePath() + " does not exist")
                    + ": the node loads only routes and broker configuration a responsible officer approved "
                    + "(standard 第4の8(1)イ). Configure the officer's certificate (jukibus pki issue-officer) and have "
                    + "the officer sign the routes (jukibus routes sign); jukibus.approval.required=false is for development only");
        }
        List<X509Certificate> officers = Pem.readCertificates(officerFile);
        if (officers.size() != 1) {
            throw new IllegalStateException("jukibus.approval.officer-certificate: " + officerFile
                    + " must hold exactly one certificate, found " + officers.size());
        }
        // tolerating a stale CRL: a node that restarts the day after central missed a CRL renewal must still start
        CertificateValidator validator = new CertificateValidator(Pem.readCertificate(settings.rootCa()), trust::crl, clock)
                .toleratingStaleCrl();
        Path manifest = approval.getManifest() != null ? approval.getManifest() : node.getRoutesDir().resolve(MANIFEST);
        ApprovedPrograms programs = new ProgramApproval(settings.role(), node.getRoutesDir(), settings.brokerConfigDir(),
                NodeProgram.running(), manifest, officers.get(0), validator, settings.home(), operationLog, clock).approve();
        camel.getMain().setRoutesIncludePattern(programs.routesIncludePattern(settings.role()));
        log.info("routes, broker configuration, jar and schemas approved (manifest sha256 {}); loading them from {}",
                programs.manifestSha256(), programs.routesDir().getParent());
        return programs;
    }
}
