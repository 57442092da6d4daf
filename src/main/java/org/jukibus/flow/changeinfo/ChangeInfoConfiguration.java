package org.jukibus.flow.changeinfo;

import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;

import org.jukibus.audit.OperationLog;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.core.NodeSettings;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.Pem;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The change info's beans (異動等情報, 第6の8(6)): on central the batches made from its identity
 * records; on a liaison node the delivery to the certification authority, unless the flow is
 * switched off there ({@code jukibus.flows.change-info.enabled=false}).
 */
@Configuration(proxyBeanMethods = false)
public class ChangeInfoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "jukibus.role", havingValue = "central")
    @EnableConfigurationProperties(ChangeInfoProperties.class)
    static class Central {

        @Bean
        ChangeInfoBatches changeInfoBatches(JdbcTemplate jdbcTemplate, TransactionTemplate storeTransactions,
                                            NodeDirectory directory, OperationLog operationLog, ChangeInfoProperties properties) {
            return new ChangeInfoBatches(jdbcTemplate, storeTransactions, directory, operationLog, properties.getBatchSize());
        }

        @Bean
        io.micrometer.core.instrument.binder.MeterBinder changeInfoWaiting(ChangeInfoBatches batches, Clock clock) {
            return registry -> io.micrometer.core.instrument.Gauge
                    .builder("jukibus.change.info.waiting", batches, b -> b.oldestWaitingSeconds(clock)).baseUnit("seconds")
                    .description("Age of the oldest identity record whose change info has not gone to the authority yet")
                    .register(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${jukibus.role:}' == 'liaison' and '${jukibus.flows.change-info.enabled:true}' == 'true'")
    @EnableConfigurationProperties(LiaisonProperties.class)
    static class Liaison {

        @Bean
        CaDeliveryLog caDeliveryLog(JdbcTemplate jdbcTemplate) {
            return new CaDeliveryLog(jdbcTemplate);
        }

        @Bean
        CertificateHolders certificateHolders(JdbcTemplate jdbcTemplate, TransactionTemplate storeTransactions, Clock clock) {
            return new CertificateHolders(jdbcTemplate, storeTransactions, clock);
        }

        @Bean
        CaDelivery caDelivery(NodeSettings settings, KeyMaterial keys, NodeDirectory directory, LiaisonProperties properties,
                              CertificateHolders holders, CaDeliveryLog log, OperationLog operationLog, Clock clock)
                throws IOException {
            if (properties.getCaEndpoint() == null || properties.getCaCertificate() == null) {
                throw new IllegalStateException("a liaison node needs jukibus.liaison.ca-endpoint and jukibus.liaison.ca-certificate"
                        + " (or the change-info flow switched off: jukibus.flows.change-info.enabled=false)");
            }
            X509Certificate ca = caCertificate(properties, settings, clock);
            var link = new CertificationAuthorityLink(properties.getCaEndpoint(),
                    CertificationAuthorityLink.tls(settings.keystore(), settings.truststore(), settings.storePassword().toCharArray()),
                    properties.getCaTimeout());
            var feed = new HolderFeed(properties.getCaHoldersEndpoint(), link, holders);
            return new CaDelivery(settings.code(), keys, directory, ca, properties.getCaCode(), link, feed, holders, log,
                    operationLog, clock);
        }

        /**
         * The lifetime of the authority's encryption certificate, beside the node's own
         * ({@code jukibus_certificate_expiry_seconds{certificate="ca-encryption"}}): the liaison seals every change info
         * to it and does not start once it has lapsed, so it needs the same 14-day warning (JukibusCertificateExpiring).
         */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder caCertificateLifetime(LiaisonProperties properties, NodeSettings settings,
                                                                              Clock clock) throws IOException {
            X509Certificate ca = caCertificate(properties, settings, clock);
            return registry -> org.jukibus.management.LifetimeMetrics.certificate(registry, clock, "ca-encryption", ca);
        }

        /** The authority's certificate, which must be issued by the network's root CA and valid now (the node's clock). */
        private static X509Certificate caCertificate(LiaisonProperties properties, NodeSettings settings, Clock clock) throws IOException {
            if (!Files.isRegularFile(properties.getCaCertificate())) {
                throw new IllegalStateException("jukibus.liaison.ca-certificate: " + properties.getCaCertificate() + " does not exist");
            }
            X509Certificate ca = Pem.readCertificate(properties.getCaCertificate());
            X509Certificate root = Pem.readCertificate(settings.rootCa());
            try {
                ca.verify(root.getPublicKey());
                ca.checkValidity(java.util.Date.from(clock.instant())); // the node's clock, as every check
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("jukibus.liaison.ca-certificate " + properties.getCaCertificate()
                        + " is not a valid certificate issued by the network's root CA: " + e.getMessage(), e);
            }
            return ca;
        }
    }
}
