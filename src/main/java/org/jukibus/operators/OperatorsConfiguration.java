package org.jukibus.operators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;

import org.jukibus.approval.AcceptedApprovals;
import org.jukibus.approval.ApprovalProperties;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.core.NodeSettings;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.Pem;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Operators with card and PIN on the management port (standard 第4の4): HTTPS with the node's own certificate,
 * requiring a client certificate issued by the network's root CA (the operator card), the registration the officer
 * signed, lockout in the store, and the permission checks the node's MBeans make.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OperatorsProperties.class)
public class OperatorsConfiguration {

    @Bean
    OperatorRegistry operatorRegistry(OperatorsProperties properties, NodeSettings settings, ApprovalProperties approval,
                                      NetworkTrust trust, Clock clock, OperationLog operationLog) throws IOException {
        Path file = properties.getRegistration() != null ? properties.getRegistration() : settings.home().resolve("operators.xml");
        OperatorRegistry registry = new OperatorRegistry(file, settings.code(), officer(approval),
                validator(settings, trust, clock), operationLog, new AcceptedApprovals(settings.home()), clock);
        // read at start, not at the first login: a registration accepted while the officer is valid is recorded on
        // every start, so a login after a restart past the officer's lapse still finds it (AcceptedApprovals)
        registry.current();
        return registry;
    }

    @Bean
    OperatorLockout operatorLockout(JdbcTemplate jdbcTemplate, OperatorsProperties properties, Clock clock) {
        OperatorLockout lockout = new OperatorLockout(jdbcTemplate, properties.getMaxFailedAttempts(), clock);
        lockout.load(); // every lock known from the start, should the store be out at the first login
        return lockout;
    }

    @Bean
    OperatorAccess operatorAccess(NodeSettings settings, OperatorRegistry registry, OperatorLockout lockout,
                                  OperatorsProperties properties, ApprovalProperties approval, NetworkTrust trust, Clock clock,
                                  OperationLog operationLog, SecurityEvents securityEvents, ClientCertificates clientCertificates)
            throws IOException {
        Path unlockDir = properties.getUnlockDir() != null ? properties.getUnlockDir()
                : settings.home().resolve("operators").resolve("unlock");
        Files.createDirectories(unlockDir);
        return new OperatorAccess(settings.code(), registry, lockout, validator(settings, trust, clock), officer(approval),
                unlockDir, operationLog, securityEvents, clock, clientCertificates);
    }

    @Bean
    MonitorLogin monitorLogin(NodeSettings settings, NetworkTrust trust, Clock clock, SecurityEvents securityEvents,
                              OperationLog operationLog, ClientCertificates clientCertificates) throws IOException {
        return new MonitorLogin(validator(settings, trust, clock), securityEvents, operationLog, clock, clientCertificates);
    }

    /** The monitor login runs inside Spring Security's chain only (ops.ManagementSecurity), not a second time on its own. */
    @Bean
    FilterRegistrationBean<MonitorLogin> monitorLoginNotOnItsOwn(MonitorLogin monitorLogin) {
        FilterRegistrationBean<MonitorLogin> registration = new FilterRegistrationBean<>(monitorLogin);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    OperatorPermissions operatorPermissions(OperationLog operationLog, SecurityEvents securityEvents) {
        return new OperatorPermissions(operationLog, securityEvents);
    }

    /**
     * The management port speaks only TLS with the node's own key and certificate, and requires the client to present
     * a certificate issued by the network's root CA; which certificate is an operator card of this node is for
     * {@link OperatorAccess} (validity, CRL, registration) to say.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> managementTls(NodeSettings settings, KeyMaterial nodeKeys) {
        // nodeKeys: the web server starts before any other bean, and its TLS needs the node's key store; asking for the
        // checked key material here makes a key store of another node stop the node with that message, not a TLS error
        return factory -> {
            Ssl ssl = new Ssl();
            ssl.setEnabled(true);
            ssl.setKeyStore(settings.keystore().toUri().toString());
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(settings.storePassword());
            ssl.setKeyAlias(KeyStores.KEY_ALIAS);
            ssl.setTrustStore(settings.truststore().toUri().toString());
            ssl.setTrustStoreType("PKCS12");
            ssl.setTrustStorePassword(settings.storePassword());
            ssl.setClientAuth(Ssl.ClientAuth.NEED);
            ssl.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            factory.setSsl(ssl);
        };
    }

    private static CertificateValidator validator(NodeSettings settings, NetworkTrust trust, Clock clock) throws IOException {
        // a stale CRL (one that could not reach this node) still refuses what it lists, and locks nobody else out
        return new CertificateValidator(Pem.readCertificate(settings.rootCa()), trust::crl, clock).toleratingStaleCrl();
    }

    private static X509Certificate officer(ApprovalProperties approval) throws IOException {
        Path file = approval.getOfficerCertificate();
        return file != null && Files.isRegularFile(file) ? Pem.readCertificate(file) : null;
    }
}
